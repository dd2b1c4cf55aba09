/**
 * Presence of Multichat people → networks that show presence. Ephemeral and best effort: never
 * queued in the outbox (a stale presence is worse than none), sent only to networks where the
 * person shares a linked channel, and never back to the person's own network.
 */
import type { NodeEventOf } from '../../core/types.js';
import { describe } from '../errors.js';
import type { RuntimeContext } from './context.js';
import { supportsPresence } from './guards.js';

export function attachPresence(ctx: RuntimeContext): () => void {
  return ctx.node.on('presence', (event) => {
    void forward(ctx, event).catch((error: unknown) => {
      ctx.logger.debug({ err: describe(error) }, 'presence not bridged');
    });
  });
}

async function forward(ctx: RuntimeContext, event: NodeEventOf<'presence'>): Promise<void> {
  const targets = [...ctx.adapters.entries()].filter(([, slot]) => supportsPresence(slot.adapter));
  if (targets.length === 0) return;
  const user = ctx.node.getUser(event.presence.user);
  if (!user) return;
  const links = await ctx.store.links.list();
  for (const [network, { adapter }] of targets) {
    if (user.origin?.network === network || !supportsPresence(adapter)) continue;
    const shared = links.some(
      (l) => l.network === network && ctx.node.roleOf(l.channel, user.id) !== undefined,
    );
    if (!shared) continue;
    await adapter.setPresence({
      sender: {
        id: user.id,
        name: user.username,
        ...(user.avatar !== undefined && { avatarUrl: user.avatar }),
      },
      status: event.presence.status,
      ...(event.presence.text !== undefined && { text: event.presence.text }),
    });
  }
}
