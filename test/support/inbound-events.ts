/**
 * Waiting for what an adapter emitted: the events of one kind after index `from`, once `count` of
 * them have arrived (the network-specific inbound suites of Discord and Slack share it).
 */
import type { InboundEvent } from '../../src/bridges/types.js';
import { eventually } from './eventually.js';

export type EventOf<K extends InboundEvent['kind']> = Extract<InboundEvent, { kind: K }>;

export async function nextEvents<K extends InboundEvent['kind']>(
  events: readonly InboundEvent[],
  from: number,
  kind: K,
  count = 1,
): Promise<EventOf<K>[]> {
  return eventually(
    () => {
      const of = events.slice(from).filter((e): e is EventOf<K> => e.kind === kind);
      return of.length >= count ? of : undefined;
    },
    { what: `${count} ${kind} event(s)`, timeoutMs: 15_000, intervalMs: 10 },
  );
}

/**
 * Where a message mentions someone, the adapter announces that person (a `profile` event) before
 * the message, so the router can name them: the indexes of both after `from`, profile first.
 */
export function profileThenMessage(
  events: readonly InboundEvent[],
  from: number,
  mentioned: string,
): { profileAt: number; messageAt: number } {
  const profileAt = events.findIndex(
    (e, i) => i >= from && e.kind === 'profile' && e.sender.externalId === mentioned,
  );
  const messageAt = events.findIndex((e, i) => i >= from && e.kind === 'message');
  return { profileAt, messageAt };
}
