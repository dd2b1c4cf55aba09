/**
 * Loop prevention for inbound traffic: an echo of our own send must never be bridged back.
 * Three independent signals, any one suffices:
 * 1. the adapter marked the event `self` (its webhook, ghost or nick);
 * 2. the event carries an idempotency key (txnId, nonce) that our outbox issued;
 * 3. the external id is already in the message map for that target — an outbound copy we made,
 *    or an inbound message seen before (a replay or backfill overlap). The send to that target
 *    may still be in flight when the echo arrives, so the guard waits for it first.
 * An edit of a copy we posted is always our echo: nobody else can edit it.
 */
import type {
  ExternalMessageId,
  MappingStore,
  NetworkName,
  TargetKey,
} from '../../mapping/types.js';
import type { InboundEvent } from '../types.js';

export interface LoopGuardDeps {
  readonly store: MappingStore;
  /** The target's in-flight delivery, if any. */
  readonly inFlight: (network: string, targetKey: TargetKey) => Promise<void> | undefined;
}

export type Verdict = { readonly drop: false } | { readonly drop: true; readonly reason: string };

export async function checkInbound(
  deps: LoopGuardDeps,
  network: NetworkName,
  targetKey: TargetKey,
  event: InboundEvent,
): Promise<Verdict> {
  if ('self' in event && event.self === true) return { drop: true, reason: 'own echo (self)' };
  if (event.kind === 'edit') {
    // Only we can edit the copies we posted (webhooks, ghosts), so such an edit is our echo.
    const mapped = await deps.store.messages.getByExternal(network, targetKey, event.externalId);
    return mapped?.direction === 'outbound'
      ? { drop: true, reason: 'own echo (edit of our copy)' }
      : { drop: false };
  }
  if (event.kind !== 'message') return { drop: false };
  if (event.echoKey !== undefined && (await deps.store.outbox.getByKey(event.echoKey))) {
    return { drop: true, reason: 'own echo (idempotency key)' };
  }
  await deps.inFlight(network, targetKey)?.catch(() => undefined);
  if (await known(deps.store, network, targetKey, event.externalId)) {
    return { drop: true, reason: 'already mapped (own echo or replay)' };
  }
  return { drop: false };
}

async function known(
  store: MappingStore,
  network: NetworkName,
  targetKey: TargetKey,
  externalId: ExternalMessageId,
): Promise<boolean> {
  return (await store.messages.getByExternal(network, targetKey, externalId)) !== undefined;
}
