import { TooManyStreamsError } from './errors.js';

/** Limits of the event streams (config `http.maxStreamsPerToken`, `http.streamBufferBytes`). */
export interface SseLimits {
  /** Concurrent streams one user token may hold; the next one is refused with 429. */
  readonly maxStreamsPerToken: number;
  /** Unsent bytes one stream may hold before it is dropped with an `overflow` event. */
  readonly bufferBytes: number;
  /** How long a dropped stream's client has to read its last events before the cut. */
  readonly overflowGraceMs: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = {
  maxStreamsPerToken: 5,
  bufferBytes: 1024 * 1024,
  overflowGraceMs: 30_000,
};

/**
 * Open server-sent-event streams. They never end on their own, so shutdown must close them or
 * the HTTP server would wait for them forever. Also counts each user's streams, so one token
 * cannot hold the node's memory with thousands of them.
 */
export class SseHub {
  private readonly closers = new Set<() => void>();
  private readonly perOwner = new Map<string, number>();

  constructor(readonly limits: SseLimits = DEFAULT_SSE_LIMITS) {}

  /**
   * Registers a stream of `owner` (a user id; each user has one token) with its closer; returns
   * the function that unregisters it (idempotent). Throws TooManyStreamsError when the owner
   * already holds `maxStreamsPerToken` streams.
   */
  add(owner: string, close: () => void): () => void {
    const held = this.perOwner.get(owner) ?? 0;
    if (held >= this.limits.maxStreamsPerToken) {
      throw new TooManyStreamsError(this.limits.maxStreamsPerToken);
    }
    this.perOwner.set(owner, held + 1);
    this.closers.add(close);
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      this.closers.delete(close);
      const left = (this.perOwner.get(owner) ?? 1) - 1;
      if (left > 0) this.perOwner.set(owner, left);
      else this.perOwner.delete(owner);
    };
  }

  /** Open streams in all. */
  get size(): number {
    return this.closers.size;
  }

  /** Open streams of one owner. */
  held(owner: string): number {
    return this.perOwner.get(owner) ?? 0;
  }

  /** Ends every open stream (clients see the stream end and may reconnect elsewhere). */
  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
    this.perOwner.clear();
  }
}
