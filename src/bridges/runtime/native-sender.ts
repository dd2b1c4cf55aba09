/**
 * A person who linked their own account on the target network (runtime/accounts.ts) must not
 * get a ghost or puppet there: the action carries that account as `sender.native`, and the
 * adapter posts through its bot, naming them (docs/matrix.md, "Linked accounts"). Their joins,
 * leaves, roles and reactions are not sent there at all: they are in that room themselves, and
 * a bot cannot react or join in their name. The account the profile was made for does not
 * count (a Matrix person's messages reach a second linked Matrix room through their ghost, as
 * before).
 */
import type { UserId } from '../../core/types.js';
import type { NetworkName } from '../../mapping/types.js';
import type { ExternalUserId, OutboundKind } from '../types.js';
import type { RuntimeContext } from './context.js';
import type { Resolved } from './resolved-action.js';
import { isOwnOrigin } from './people.js';

/** Kinds that only make sense as the person (or their ghost), never through the bot. */
const PERSONAL: ReadonlySet<OutboundKind> = new Set(['join', 'leave', 'role', 'react', 'unreact']);

/** The account `user` linked on `network`, if any (the oldest when several). */
export async function linkedAccountOn(
  ctx: RuntimeContext,
  user: UserId,
  network: NetworkName,
): Promise<ExternalUserId | undefined> {
  const identities = await ctx.store.identities.listByUser(user, network);
  const linked = identities.find((i) => i.kind === 'native' && !isOwnOrigin(ctx, i));
  return linked?.externalId as ExternalUserId | undefined;
}

/** Marks the action's sender as native on `network`, or skips what must not go there. */
export async function withNativeSender(
  ctx: RuntimeContext,
  network: NetworkName,
  resolved: Resolved,
): Promise<Resolved> {
  if ('skip' in resolved) return resolved;
  const { action } = resolved;
  const native = await linkedAccountOn(ctx, action.sender.id as UserId, network);
  if (native === undefined) return resolved;
  if (PERSONAL.has(action.kind)) {
    return { skip: `${action.kind} of a person whose own ${network} account is linked` };
  }
  return { ...resolved, action: { ...action, sender: { ...action.sender, native } } };
}
