/** userProfileLogic: only the key or its controller may create or replace a profile. */
import { bridgedUserId, profileSigner } from './authority.js';
import { firstRefusal, refuse, type ResourceLogic } from './types.js';
import { nameProblem, sanitizeExternalName } from '../names.js';
import { slotOf } from '../resources.js';
import { boxKeyProblem } from '../e2ee/key-share-logic.js';

const MAX_USERNAME = 64;

export const userProfileLogic: ResourceLogic<'userProfile'> = {
  onCreate(data, ctx, state) {
    return firstRefusal(
      () =>
        profileSigner(data) === ctx.author
          ? undefined
          : refuse('profile.signer', 'only the key or the controller of a profile may write it'),
      () =>
        data.userId === ctx.tx.actor
          ? undefined
          : refuse('profile.actor', 'a profile can only be written by its own user'),
      () => {
        if (data.publicKey !== undefined) {
          return data.userId === (data.publicKey as string) && data.controller === undefined
            ? undefined
            : refuse('profile.identity', 'a native profile is identified by its public key');
        }
        return data.controller !== undefined &&
          data.origin !== undefined &&
          data.userId === bridgedUserId(data.controller, data.origin)
          ? undefined
          : refuse('profile.identity', 'a bridged profile needs a controller and an origin');
      },
      () => {
        const issue = data.boxKey === undefined ? undefined : boxKeyProblem(data.boxKey);
        return issue ? refuse('profile.boxKey', issue) : undefined;
      },
      () => {
        const issue = usernameProblem(data.username);
        return issue ? refuse(issue.rule, issue.message) : undefined;
      },
      () => {
        const live = state.live(slotOf({ kind: 'userProfile', data }));
        const replaced = live.every((id) => ctx.consumed.some((c) => c.id === id));
        return replaced
          ? undefined
          : refuse('profile.replace', 'updating a profile must consume the current one');
      },
    );
  },
  onConsume(data, ctx) {
    return profileSigner(data) === ctx.author
      ? undefined
      : refuse('profile.signer', 'only the key or the controller of a profile may replace it');
  },
};

/** Why `name` is not a username (rule and message), or undefined. */
export function usernameProblem(name: string): { rule: string; message: string } | undefined {
  if (name.length < 1 || [...name].length > MAX_USERNAME || name.trim() !== name) {
    return {
      rule: 'profile.username',
      message: `a username has 1 to ${MAX_USERNAME} characters and no spaces at its ends`,
    };
  }
  const issue = nameProblem(name, 'username');
  return issue ? { rule: 'name.invalid', message: `username: ${issue}` } : undefined;
}

export function validUsername(name: string): boolean {
  return usernameProblem(name) === undefined;
}

/**
 * Turns a name from another network into a valid username: forbidden characters replaced
 * (names.ts), NFC, trimmed, cut to the longest allowed; `fallback` when nothing is left.
 */
export function sanitizeUsername(name: string, fallback: string): string {
  const cut = (text: string) =>
    sanitizeExternalName([...sanitizeExternalName(text)].slice(0, MAX_USERNAME).join(''));
  // Never empty: a person whose name is all forbidden characters still gets their message through.
  return cut(name) || cut(fallback) || 'unnamed';
}
