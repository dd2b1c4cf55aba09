/**
 * Typing between linked targets. Ephemeral and best effort: a typing notice is not a chat
 * event, so it never goes into the core's log, the outbox or a retry (a notice that arrives
 * late is worse than none). An inbound `typing` event is handed straight to every other target
 * of the linked channel whose adapter shows typing (`capabilities.typing`), and to the
 * runtime's typing listeners (the gateway's `/api/v1/events` stream). Networks without a way to
 * show it are counted as `multichat_bridge_dropped_total{kind="typing",reason="unsupported"}`
 * (docs/fidelity.md). A person whose own account on the receiving network is linked is not
 * shown typing there by anyone else: they are there themselves.
 */
import type { ChannelId, UserId } from '../../core/types.js';
import type { NetworkName, TargetKey } from '../../mapping/types.js';
import { describe } from '../errors.js';
import type { InboundTyping, SenderDisplay, TypingAdapter } from '../types.js';
import type { RuntimeContext } from './context.js';
import { supportsTyping } from './guards.js';
import { linkedAccountOn } from './native-sender.js';
import { ensureUser } from './people.js';

/** What native clients are told: a Multichat person typing (or not) in a channel. */
export interface TypingNotice {
  readonly channel: ChannelId;
  readonly user: UserId;
  readonly active: boolean;
  /** The network the person typed on. */
  readonly network: NetworkName;
}

export type TypingListener = (notice: TypingNotice) => void;

/** Listeners of typing notices, per runtime (the gateway's SSE stream subscribes). */
export class TypingListeners {
  private readonly listeners = new Set<TypingListener>();

  on(listener: TypingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(notice: TypingNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}

const listenersOf = new WeakMap<RuntimeContext, TypingListeners>();

/** The typing listeners of one runtime (`BridgeRuntime.onTyping`). */
export function typingListeners(ctx: RuntimeContext): TypingListeners {
  let listeners = listenersOf.get(ctx);
  if (!listeners) listenersOf.set(ctx, (listeners = new TypingListeners()));
  return listeners;
}

export async function carryTyping(
  ctx: RuntimeContext,
  network: NetworkName,
  targetKey: TargetKey,
  event: InboundTyping,
): Promise<void> {
  // Our own ghost, puppet or bot typing (we made it type): an echo, carried once already.
  if (event.self) return;
  const link = await ctx.store.links.findByTarget(network, targetKey);
  if (!link) {
    ctx.drops.drop(network, 'typing', 'unlinked', { direction: 'inbound', targetKey });
    return;
  }
  const identity = await ctx.store.identities.get(network, event.sender.externalId);
  // A ghost or puppet this gateway controls: the echo of a typing notice we sent.
  if (identity && identity.kind !== 'native') return;
  const user = await ensureUser(ctx, network, event.sender, identity ?? null);
  if (ctx.node.roleOf(link.channel, user.id) === 'banned') {
    ctx.drops.drop(network, 'typing', 'banned', { direction: 'inbound', targetKey });
    return;
  }
  typingListeners(ctx).notify({
    channel: link.channel,
    user: user.id,
    active: event.active,
    network,
  });
  const sender: SenderDisplay = {
    id: user.id,
    name: user.username,
    ...(user.avatar !== undefined && { avatarUrl: user.avatar }),
  };
  for (const other of await ctx.store.links.listByChannel(link.channel)) {
    if (other.network === network && other.targetKey === targetKey) continue;
    const adapter = ctx.adapters.get(other.network)?.adapter;
    if (!adapter || !supportsTyping(adapter)) {
      const reason = adapter ? 'unsupported' : 'not_configured';
      ctx.drops.drop(other.network, 'typing', reason, { direction: 'outbound' });
      continue;
    }
    if ((await linkedAccountOn(ctx, user.id, other.network)) !== undefined) continue;
    // Not awaited: a slow network must not hold up the messages behind this notice.
    send(ctx, adapter, other.network, {
      target: other.target,
      targetKey: other.targetKey,
      sender,
      active: event.active,
    });
  }
}

function send(
  ctx: RuntimeContext,
  adapter: TypingAdapter,
  network: NetworkName,
  update: Parameters<TypingAdapter['setTyping']>[0],
): void {
  void adapter.setTyping(update).catch((error: unknown) => {
    ctx.drops.drop(network, 'typing', 'adapter', {
      direction: 'outbound',
      detail: describe(error),
      targetKey: update.targetKey,
    });
  });
}
