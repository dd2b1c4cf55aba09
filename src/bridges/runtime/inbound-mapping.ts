/**
 * The mapping of an inbound message (its external id → the core's message), written once the
 * core has the message. Relaying the line does not need it (the other targets are found by the
 * channel's links), so it is written on the turn after the core's commit: by then the fan-out
 * has queued the deliveries and the worker has written the line to the other targets, which no
 * longer wait behind this write in the mapping store (bench/relay-irc.ts).
 *
 * Nothing is lost by the wait:
 * - the target's next event waits for the write (the inbound handler awaits it), so an edit,
 *   reply or reaction right after finds the mapping;
 * - a stop waits for the writes begun before it (`mappingWrites`, called by the runtime's stop
 *   before the store closes): a stop between the send and the write once left a message
 *   unmapped and the restart's backfill stored it again (matrix-backfill);
 * - a kill in between is the crash window between the core's commit and this write, as before,
 *   closed on the re-read side (runtime/unmapped-tail.ts).
 */
import type { MessageId } from '../../core/types.js';
import type { InboundMessage } from '../types.js';
import type { RuntimeContext } from './context.js';
import type { Resolved } from './resolve.js';
import { untilStored } from './store-wait.js';

const pendingOf = new WeakMap<RuntimeContext, Set<Promise<unknown>>>();

/** Writes the mapping now (idempotent; tried again while the store is down). */
export function putInboundMapping(
  ctx: RuntimeContext,
  { network, link }: Resolved,
  event: InboundMessage,
  messageId: MessageId,
): Promise<unknown> {
  const mapping = {
    network,
    targetKey: link.targetKey,
    externalId: event.externalId,
    messageId,
    channel: link.channel,
    direction: 'inbound' as const,
  };
  return untilStored(ctx, 'inbound mapping', () => ctx.store.messages.put(mapping));
}

/** Writes the mapping on the next turn (see above); the stop waits for it. */
export function putInboundMappingNextTurn(
  ctx: RuntimeContext,
  resolved: Resolved,
  event: InboundMessage,
  messageId: MessageId,
): Promise<unknown> {
  let pending = pendingOf.get(ctx);
  if (!pending) pendingOf.set(ctx, (pending = new Set()));
  const write = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
    putInboundMapping(ctx, resolved, event, messageId),
  );
  const tracked = pending;
  tracked.add(write);
  const forget = () => tracked.delete(write);
  write.then(forget, forget);
  return write;
}

/**
 * Resolves when every mapping write begun so far has settled (the runtime's stop). It looks a
 * turn later: a stop called from within a commit's announcement comes before the handler of
 * that message has scheduled its write.
 */
export async function mappingWrites(ctx: RuntimeContext): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await Promise.allSettled([...(pendingOf.get(ctx) ?? [])]);
}
