/** userProfileLogic: only the key or its controller may create or replace a profile. */
import { bridgedUserId, profileSigner } from './authority.js';
import { firstRefusal, refuse, type ResourceLogic } from './types.js';
import { slotOf } from '../resources.js';

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
      () =>
        validUsername(data.username)
          ? undefined
          : refuse(
              'profile.username',
              `a username has 1 to ${MAX_USERNAME} characters and no control characters`,
            ),
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

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export function validUsername(name: string): boolean {
  return (
    name.length >= 1 &&
    [...name].length <= MAX_USERNAME &&
    name.search(CONTROL_CHARACTERS) === -1 &&
    name.trim() === name
  );
}

/**
 * Turns a name from another network into a valid username: control characters dropped, trimmed,
 * cut to the longest allowed; `fallback` when nothing is left.
 */
export function sanitizeUsername(name: string, fallback: string): string {
  const cleaned = [...name.replace(CONTROL_CHARACTERS, '').trim()]
    .slice(0, MAX_USERNAME)
    .join('')
    .trim();
  return cleaned.length > 0 ? cleaned : fallback.slice(0, MAX_USERNAME);
}
