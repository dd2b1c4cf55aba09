/**
 * One token bucket per adapter: honours the rate an adapter declares in its capabilities and
 * any wait the network asked for (`Retry-After`), which pauses every action of that adapter
 * because networks limit per connection or per token, not per message.
 */
import type { RateLimit } from '../types.js';

/** Waits `ms` on the runtime's clock; tests inject a virtual one. */
export type Sleep = (ms: number) => Promise<void>;

export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  /** Acquisitions go out one after another, in call order (fair between targets). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {
    this.tokens = Math.max(1, limit.burst);
    this.updatedAt = now();
  }

  /** Resolves when one action may go out now; consumes its token. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The network said "wait": no action of this adapter goes out before `now + ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, ms));
  }

  /** Milliseconds until the next action may go out (0 = now), without consuming. */
  delay(): number {
    this.refill();
    const paused = this.pausedUntil - this.now();
    const rate = this.limit.messagesPerSecond;
    const forToken = this.tokens >= 1 || rate <= 0 ? 0 : ((1 - this.tokens) * 1000) / rate;
    return Math.max(0, paused, Math.ceil(forToken));
  }

  private async waitForToken(): Promise<void> {
    // Bounded: each pass either takes the token or sleeps until the computed time.
    for (let pass = 0; pass < 1000; pass++) {
      const wait = this.delay();
      if (wait <= 0) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(wait);
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    const rate = this.limit.messagesPerSecond;
    if (rate <= 0) {
      this.tokens = Math.max(this.tokens, 1); // no declared limit
    } else if (now > this.updatedAt) {
      const burst = Math.max(1, this.limit.burst);
      this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) * rate) / 1000);
    }
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
