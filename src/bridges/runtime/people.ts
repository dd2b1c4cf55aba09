/**
 * The bridged person behind an inbound event: the profile the gateway controls for them (with
 * `origin`) and their membership of the linked channel. Both read the node's memory; the store
 * is written only when the cached identity is missing or out of date, so a known sender costs
 * no store round trip here (the resolve step read the identity already).
 */
import { IntentRejectedError } from '../../core/errors.js';
import type { UserId, UserView } from '../../core/types.js';
import type { Identity, Link, NetworkName } from '../../mapping/types.js';
import type { ExternalSender } from '../types.js';
import type { RuntimeContext } from './context.js';
import { untilStored } from './store-wait.js';

/**
 * The profile the gateway controls for this person, created or renamed as needed. `known` is
 * the stored identity, when the caller looked it up already; otherwise it is read here.
 */
export async function ensureUser(
  ctx: RuntimeContext,
  network: NetworkName,
  sender: ExternalSender,
  known?: Identity | null,
): Promise<UserView> {
  const identity =
    known === undefined
      ? await untilStored(ctx, 'identity', () =>
          ctx.store.identities.get(network, sender.externalId),
        )
      : known;
  const linked = linkedProfile(ctx, identity);
  if (linked) return linked;
  const origin = { network, externalId: sender.externalId };
  const avatar = sender.avatarUrl !== undefined ? { avatar: sender.avatarUrl } : {};
  const user = await ctx.node.ensureBridgedUser(origin, {
    username: sender.displayName,
    ...avatar,
  });
  // A ghost or puppet id someone now posts from as themself (an IRC nick a parked puppet left)
  // becomes that person's own identity: mentions of it are mentions of them from now on.
  if (
    !identity ||
    identity.kind !== 'native' ||
    identity.userId !== user.id ||
    identity.displayName !== sender.displayName ||
    identity.avatar !== (sender.avatarUrl ?? null)
  ) {
    const upsert = {
      network,
      externalId: sender.externalId,
      userId: user.id,
      kind: 'native' as const,
      displayName: sender.displayName,
      avatar: sender.avatarUrl ?? null,
    };
    await untilStored(ctx, 'identity', () => ctx.store.identities.upsert(upsert));
  }
  return user;
}

/**
 * The profile an account was joined to with a link code (runtime/accounts.ts): a `native`
 * identity that points to a profile which does not come from this very account. That profile
 * is the person's own elsewhere, so its name and avatar are left as they are (a network's
 * display name never renames it); undefined for every account that was not linked.
 */
function linkedProfile(
  ctx: RuntimeContext,
  identity: Identity | null | undefined,
): UserView | undefined {
  if (!identity || identity.kind !== 'native' || isOwnOrigin(ctx, identity)) return undefined;
  return ctx.node.getUser(identity.userId);
}

/** True when the identity is the account its profile was made for (not a linked one). */
export function isOwnOrigin(ctx: RuntimeContext, identity: Identity): boolean {
  const origin = ctx.node.getUser(identity.userId)?.origin;
  return origin?.network === identity.network && origin.externalId === identity.externalId;
}

/** Joins the person to the channel if needed; false when they may not take part (banned). */
export async function ensureMember(
  ctx: RuntimeContext,
  link: Link,
  user: UserId,
): Promise<boolean> {
  const role = ctx.node.roleOf(link.channel, user);
  if (role === 'banned') return false;
  if (role !== undefined) return true;
  try {
    await ctx.node.submit(user, { kind: 'joinChannel', channel: link.channel });
    return true;
  } catch (error) {
    if (error instanceof IntentRejectedError) {
      ctx.logger.warn({ channel: link.channel, rule: error.rule }, 'bridged person may not join');
      return false;
    }
    throw error;
  }
}
