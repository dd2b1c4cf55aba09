/**
 * Loop prevention for inbound traffic: an echo of our own send must never be bridged back.
 * Three independent signals, any one suffices:
 * 1. the adapter marked the event `self` (its webhook, ghost or nick);
 * 2. the event carries an idempotency key (txnId, nonce) that our outbox issued;
 * 3. the external id is already in the message map for that target — an outbound copy we made,
 *    or an inbound message seen before (a replay or backfill overlap). The send to that target
 *    may still be in flight when the echo arrives, so the resolve step waits for it before it
 *    reads the map (runtime/resolve.ts).
 * An edit of a copy we posted is always our echo: nobody else can edit it.
 * Pure: the store was read once by the resolve step; this only judges what it found.
 */
import type { InboundLookup } from '../../mapping/types.js';
import type { InboundEvent } from '../types.js';

export type Verdict = { readonly drop: false } | { readonly drop: true; readonly reason: string };

const KEEP: Verdict = { drop: false };

/** Signal 1, decided before any lookup. */
export function selfVerdict(event: InboundEvent): Verdict {
  return 'self' in event && event.self === true ? { drop: true, reason: 'own echo (self)' } : KEEP;
}

/** Signals 2 and 3, on what the lookup found for `event`. */
export function lookupVerdict(event: InboundEvent, found: InboundLookup): Verdict {
  if (event.kind === 'edit') {
    // Only we can edit the copies we posted (webhooks, ghosts), so such an edit is our echo.
    return found.messages.get(event.externalId)?.direction === 'outbound'
      ? { drop: true, reason: 'own echo (edit of our copy)' }
      : KEEP;
  }
  if (event.kind !== 'message') return KEEP;
  if (event.echoKey !== undefined && found.keyIssued) {
    return { drop: true, reason: 'own echo (idempotency key)' };
  }
  if (found.messages.has(event.externalId)) {
    return { drop: true, reason: 'already mapped (own echo or replay)' };
  }
  return KEEP;
}
