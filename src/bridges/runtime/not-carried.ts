/**
 * The inbound side of drop accounting: an event at a linked target that the runtime does not
 * carry. Apart from `dropped.ts` so the counter itself depends on nothing of the runtime.
 */
import type { DropReason } from '../types.js';
import type { RuntimeContext } from './context.js';
import type { Resolved, TargetedEvent } from './resolve.js';

/** Counts and logs an inbound event at a linked target that the runtime does not carry. */
export function notCarried(
  ctx: RuntimeContext,
  r: Pick<Resolved, 'network' | 'link'>,
  event: TargetedEvent,
  reason: DropReason,
): undefined {
  ctx.drops.drop(r.network, event.kind, reason, {
    direction: 'inbound',
    targetKey: r.link.targetKey,
    ...('externalId' in event && { externalId: event.externalId }),
  });
  return undefined;
}
