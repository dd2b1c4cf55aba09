/**
 * Encrypted events that could not be decrypted yet (the room key has not arrived: senders
 * often post before their key's to-device message reaches the bot). Each is kept with the
 * function that bridges it once decrypted, retried whenever keys arrive, and given up (counted)
 * after `maxAgeMs` or when `max` newer ones push it out — never dropped without a count.
 */
import type { RawEvent } from '../host.js';

export interface PendingEvent {
  readonly event: RawEvent;
  readonly since: number;
  readonly deliver: (plain: RawEvent) => void;
}

export interface PendingCounts {
  /** Events seen that could not be decrypted when they arrived. */
  undecryptable: number;
  /** Of those, decrypted later and bridged. */
  recovered: number;
  /** Of those, given up (too old, or too many waiting). */
  abandoned: number;
}

export class PendingDecryptions {
  private readonly waiting = new Map<string, PendingEvent>();
  readonly counts: PendingCounts = { undecryptable: 0, recovered: 0, abandoned: 0 };

  constructor(
    private readonly max = 1_000,
    private readonly maxAgeMs = 24 * 3600_000,
    private readonly now: () => number = Date.now,
    private readonly gaveUp: (event: RawEvent) => void = () => undefined,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** True while an event sent from `deviceId` of `userId` waits. */
  waitsFrom(userId: string, deviceId: string): boolean {
    for (const { event } of this.waiting.values()) {
      const content = event['content'] as Record<string, unknown> | undefined;
      if (event.sender === userId && content?.['device_id'] === deviceId) return true;
    }
    return false;
  }

  add(event: RawEvent, deliver: (plain: RawEvent) => void): void {
    const id = String(event['event_id']);
    if (this.waiting.has(id)) return;
    this.counts.undecryptable++;
    this.waiting.set(id, { event, since: this.now(), deliver });
    while (this.waiting.size > this.max) {
      const [oldest] = this.waiting.keys();
      this.abandon(oldest as string);
    }
  }

  /**
   * Tries each waiting event with `decrypt` (undefined: still no key). Old ones are abandoned
   * first. In arrival order, so a room's late events reach the router in their order.
   */
  async retry(decrypt: (event: RawEvent) => Promise<RawEvent | undefined>): Promise<void> {
    for (const [id, entry] of [...this.waiting]) {
      if (this.now() - entry.since > this.maxAgeMs) {
        this.abandon(id);
        continue;
      }
      const plain = await decrypt(entry.event);
      if (!plain || !this.waiting.delete(id)) continue;
      this.counts.recovered++;
      entry.deliver(plain);
    }
  }

  private abandon(id: string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    this.counts.abandoned++;
    this.gaveUp(entry.event);
  }
}
