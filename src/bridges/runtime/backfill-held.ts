/**
 * The live events live backfill (runtime/backfill.ts) keeps track of while a target is read:
 * those held until the target's backfill is done (so what was missed reads first), and the
 * live messages received and not through the inbound path yet. A pass must not emit those a
 * second time, and must not count them against maxMessages: while the inbound path is behind,
 * the cursor lags what was received, and a pass that counted them stopped before the messages
 * really missed (a soak lost thousands that way: issue 23).
 */
import type { InboundEvent } from '../types.js';

export interface HeldEvent {
  readonly key: string;
  readonly event: InboundEvent;
}

/** What a pass over one target must know of its live messages, by `messageKey`. */
export interface LiveSeen {
  /** Received live (held or handed to the emitter) and not through it yet. */
  readonly received: ReadonlySet<string>;
  /** Of those, the ones still held: emitted by the pass, in the network's order. */
  readonly held: ReadonlySet<string>;
}

/** How a message is known here: its target key and its id on the network. */
export const messageKey = (targetKey: string, externalId: string): string =>
  `${targetKey} ${externalId}`;

export class HeldEvents {
  private readonly held: HeldEvent[] = [];
  /** Live messages held or handed to the emitter and not through it yet (a count per key). */
  private readonly inFlight = new Map<string, number>();

  /** Counts a live message in (+1, when received) or out (-1, once through the emitter). */
  mark(key: string | undefined, event: InboundEvent, by: 1 | -1): void {
    if (key === undefined || event.kind !== 'message') return;
    const id = messageKey(key, event.externalId);
    const count = (this.inFlight.get(id) ?? 0) + by;
    if (count > 0) this.inFlight.set(id, count);
    else this.inFlight.delete(id);
  }

  hold(key: string, event: InboundEvent): void {
    this.held.push({ key, event });
  }

  /** Removes and returns the held events whose key `match`es, in the order they came. */
  take(match: (key: string) => boolean): HeldEvent[] {
    const out: HeldEvent[] = [];
    for (let i = 0; i < this.held.length;) {
      const entry = this.held[i];
      if (entry && match(entry.key)) {
        out.push(entry);
        this.held.splice(i, 1);
      } else i += 1;
    }
    return out;
  }

  /** The live messages of `targetKey` a pass starting now must not emit twice or count. */
  seen(targetKey: string): LiveSeen {
    const prefix = messageKey(targetKey, '');
    const received = new Set([...this.inFlight.keys()].filter((id) => id.startsWith(prefix)));
    const held = new Set(
      this.held.flatMap(({ key, event }) =>
        key === targetKey && event.kind === 'message'
          ? [messageKey(targetKey, event.externalId)]
          : [],
      ),
    );
    return { received, held };
  }
}
