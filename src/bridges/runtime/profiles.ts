/**
 * Profile changes → networks, at once (issue 17, "Profile changes propagate at once"). When a
 * profile's name or avatar changes (an inbound `profile` event updated the bridged profile, or
 * a person renamed themselves in Multichat), every adapter that keeps something per person
 * (`ProfileAdapter`: the Matrix ghost, the IRC puppet) is told right away, instead of with the
 * person's next message. Best effort and never queued, like presence: sent only to networks
 * where the person shares a linked channel, never to their own network, and never to a network
 * where their own account is linked (they have no ghost or puppet there).
 */
import type { NodeEventOf } from '../../core/types.js';
import type { NetworkName } from '../../mapping/types.js';
import { describe } from '../errors.js';
import type { BridgeAdapter, ProfileAdapter } from '../types.js';
import type { RuntimeContext } from './context.js';
import { linkedAccountOn } from './native-sender.js';

export function supportsProfile(adapter: BridgeAdapter): adapter is ProfileAdapter {
  return typeof (adapter as Partial<ProfileAdapter>).updateProfile === 'function';
}

/** Subscribes to the node's profile events; returns the unsubscriber. */
export function attachProfiles(ctx: RuntimeContext): () => void {
  return ctx.node.on('profile', (event) => {
    void forward(ctx, event).catch((error: unknown) => {
      ctx.logger.warn({ err: describe(error), user: event.user.id }, 'profile change not bridged');
    });
  });
}

async function forward(ctx: RuntimeContext, event: NodeEventOf<'profile'>): Promise<void> {
  const { user } = event;
  const targets = [...ctx.adapters.entries()].filter(([, slot]) => supportsProfile(slot.adapter));
  if (targets.length === 0) return;
  const links = await ctx.store.links.list();
  const sender = {
    id: user.id,
    name: user.username,
    ...(user.avatar !== undefined && { avatarUrl: user.avatar }),
  };
  for (const [network, { adapter }] of targets) {
    if (user.origin?.network === network || !supportsProfile(adapter)) continue;
    const shared = links.some(
      (l) => l.network === network && ctx.node.roleOf(l.channel, user.id) !== undefined,
    );
    if (!shared) continue;
    // Only where the gateway made a ghost or puppet for them (recorded as their identities);
    // a person whose own account there is linked has none in use.
    const there = await ctx.store.identities.listByUser(user.id, network as NetworkName);
    if (!there.some((i) => i.kind === 'ghost' || i.kind === 'puppet')) continue;
    if (await linkedAccountOn(ctx, user.id, network as NetworkName)) continue;
    await adapter.updateProfile(sender).catch((error: unknown) => {
      ctx.logger.warn({ network, user: user.id, err: describe(error) }, 'profile update failed');
    });
  }
}
