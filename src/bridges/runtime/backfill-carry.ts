/**
 * What live backfill (runtime/backfill.ts) does to a message it read back, beyond the inbound
 * path: dates it by the network's time, and queues its deliveries when the live fan-out did not.
 */
import type { MessageView } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';
import type { InboundEvent, InboundMessage, NetworkName } from '../types.js';
import type { RuntimeContext } from './context.js';

/** Queues a stored message's deliveries to the other links (FanOut.carry). */
export type Carry = (message: MessageView) => Promise<void>;

/**
 * A missed message carries the time the network gave it, so it is dated by it (the router marks
 * it imported) rather than by when the gateway came back; without one it is dated on arrival.
 */
export function dated(event: InboundEvent, at: number | undefined): InboundEvent {
  if (event.kind !== 'message' || at === undefined || !Number.isFinite(at) || at <= 0) return event;
  return { ...event, historyTime: at };
}

/**
 * A backfilled message that is stored has its deliveries queued, found there when the live
 * fan-out did it. One stored before a crash or a store error cut off its enqueue is read
 * again from the unmoved cursor and stops at the loop guard; the restart's catch-up skips
 * it (dated as an import) and may not list it (its time is older than the catch-up cursor's
 * message): only this queues it (issue 23).
 */
export async function carryBackfilled(
  ctx: RuntimeContext,
  network: NetworkName,
  carried: Carry | undefined,
  key: string,
  event: InboundMessage,
): Promise<void> {
  if (!carried) return;
  const mapped = await ctx.store.messages.getByExternal(
    network,
    key as TargetKey,
    event.externalId,
  );
  if (mapped?.direction !== 'inbound') return; // our own copy, or not stored (counted drop)
  const message = ctx.node.getMessage(mapped.messageId);
  if (message && !message.deleted) await carried(message);
}
