/**
 * Per-connection flood control: a token bucket of `burst` lines refilled at one line per
 * `delayMs`. Servers kill clients that send faster than they read ("Excess Flood") and ngircd
 * delays them, so every line a connection writes after registration goes through here. While
 * the connection is down the queue holds its lines; they go out, in order, once it is back.
 */

interface Queued {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Writes one raw line to the socket; false when the socket is not writable. */
export type LineWriter = (line: string) => boolean;

export class FloodQueue {
  private readonly queue: Queued[] = [];
  private tokens: number;
  private updatedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private writer: LineWriter | undefined;

  constructor(
    private readonly burst: number,
    private readonly delayMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Lines waiting to be written. */
  get size(): number {
    return this.queue.length;
  }

  /** Queues `line`; resolves once it was written to the socket. */
  push(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.pump();
    });
  }

  /** The connection is registered: start writing. A fresh connection gets a full burst. */
  open(writer: LineWriter): void {
    this.writer = writer;
    this.tokens = this.burst;
    this.updatedAt = this.now();
    this.pump();
  }

  /** The connection went down: hold lines until `open` is called again. */
  pause(): void {
    this.writer = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Rejects every waiting line (stop, or a send that gave up waiting). */
  clear(error: Error): void {
    this.pause();
    for (const item of this.queue.splice(0)) item.reject(error);
  }

  /** Puts lines back at the front (after a reconnect), ahead of everything waiting. */
  requeue(lines: readonly string[]): void {
    const noop = (): void => undefined;
    this.queue.unshift(...lines.map((line) => ({ line, resolve: noop, reject: noop })));
    this.pump();
  }

  /** Removes one waiting line (its sender gave up); true when it had not been written. */
  drop(line: string): boolean {
    const index = this.queue.findIndex((q) => q.line === line);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }

  private refill(): void {
    const now = this.now();
    if (this.delayMs <= 0) this.tokens = this.burst;
    else if (now > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) / this.delayMs);
    }
    this.updatedAt = Math.max(now, this.updatedAt);
  }

  private pump(): void {
    if (!this.writer || this.timer) return;
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      const item = this.queue[0] as Queued;
      if (!this.writer(item.line)) return; // socket gone; `pause` follows from the close event
      this.queue.shift();
      this.tokens -= 1;
      item.resolve();
    }
    if (this.queue.length > 0) {
      const wait = Math.max(1, Math.ceil((1 - this.tokens) * this.delayMs));
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }
}
