/**
 * Entries from a peer whose clock runs ahead of ours: their authors' logs wait (in PendingLogs)
 * until the entry is due, i.e. within the skew window of this node's clock (see hlc.ts). This
 * keeps, per author, when the waiting entry falls due, and wakes the ingestor then. Bounded: past
 * MAX_AUTHORS a new author's future entry is dropped (not refused: sync fetches it again later).
 */
import { MAX_SKEW_MS } from './hlc.js';
import type { Address } from './types.js';

/** Authors with a future entry waiting, at most. */
export const MAX_FUTURE_AUTHORS = 4096;
/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class FutureHolds {
  private readonly dueAt = new Map<Address, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly now: () => number,
    private readonly wake: () => void,
  ) {}

  size(): number {
    return this.dueAt.size;
  }

  /** When an entry whose HLC wall is `wall` may be applied: once it is within the window. */
  static dueFor(wall: number): number {
    return wall - MAX_SKEW_MS;
  }

  /** Remembers that `author`'s log waits until `due`; false when full (the caller drops it). */
  hold(author: Address, due: number): boolean {
    if (this.stopped) return false;
    if (!this.dueAt.has(author) && this.dueAt.size >= MAX_FUTURE_AUTHORS) return false;
    this.dueAt.set(author, due);
    this.schedule(due);
    return true;
  }

  /** The authors whose wait is over; they are forgotten here (a drain re-holds any not due). */
  takeDue(): Address[] {
    const now = this.now();
    const due: Address[] = [];
    for (const [author, at] of this.dueAt) {
      if (at <= now) {
        due.push(author);
        this.dueAt.delete(author);
      }
    }
    return due;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(due: number): void {
    if (this.timer && this.timerAt <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = due;
    const delay = Math.min(Math.max(due - this.now(), 1), MAX_DELAY_MS);
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped) return;
    this.wake();
    // Holds still waiting (a later due, or re-held by the drain) need the next wake-up.
    const next = Math.min(...this.dueAt.values());
    if (Number.isFinite(next)) this.schedule(next);
  }
}
