/**
 * Channel membership of one connection: which channels it should be in (kept across
 * reconnects), which the server confirmed with its JOIN echo, and who waits for a join. ngircd
 * applies a JOIN only after its penalty time, and a PRIVMSG to a `+n` channel before that is
 * refused, so senders wait for the echo.
 */
import { DeliveryError } from '../errors.js';
import { ircLower } from './nick.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** How long a join may take before the send waiting for it fails (transient). */
const JOIN_TIMEOUT_MS = 30_000;

export class JoinTracker {
  private readonly wanted = new Map<string, string>();
  private readonly inside = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();

  /** `send` queues a raw line on the connection. */
  constructor(private readonly send: (line: string) => void) {}

  isIn(channel: string): boolean {
    return this.inside.has(ircLower(channel));
  }

  /** Joins (once registered) and resolves on the echo; rejects on a refusal or after 30 s. */
  join(channel: string, registered: boolean): Promise<void> {
    const key = ircLower(channel);
    if (this.inside.has(key)) return Promise.resolve();
    this.wanted.set(key, channel);
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.remove(key, waiter);
        reject(
          new DeliveryError(`joining ${channel} took longer than ${JOIN_TIMEOUT_MS} ms`, {
            retryAfterMs: 5_000,
          }),
        );
      }, JOIN_TIMEOUT_MS);
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter]);
    });
    if (registered) this.rejoin(channel);
    return promise;
  }

  /** Sends JOIN for a wanted channel we are not in and not already joining. */
  rejoin(channel: string): void {
    const key = ircLower(channel);
    const name = this.wanted.get(key);
    if (name === undefined || this.inside.has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    this.send(`JOIN ${name}`);
  }

  /** JOIN lines for every wanted channel, after (re)registration. */
  joinLines(): string[] {
    const lines: string[] = [];
    for (const [key, name] of this.wanted) {
      if (this.inside.has(key)) continue;
      this.pending.add(key);
      lines.push(`JOIN ${name}`);
    }
    return lines;
  }

  /** The server echoed our JOIN. */
  joined(channel: string): void {
    const key = ircLower(channel);
    this.inside.add(key);
    this.pending.delete(key);
    if (!this.wanted.has(key)) this.wanted.set(key, channel);
    for (const w of this.waiters.get(key) ?? []) w.resolve();
    this.waiters.delete(key);
  }

  /** We parted or were kicked. */
  left(channel: string): void {
    const key = ircLower(channel);
    this.inside.delete(key);
    this.pending.delete(key);
  }

  /** Stop wanting `channel`; true when we were in it or joining it. */
  forget(channel: string): boolean {
    const key = ircLower(channel);
    const was = this.inside.has(key) || this.pending.has(key);
    this.wanted.delete(key);
    this.left(channel);
    return was;
  }

  /** The server refused our JOIN: the waiters fail with `error`, and we stop trying. */
  refused(channel: string, error: Error): void {
    const key = ircLower(channel);
    if (!this.pending.has(key)) return;
    this.pending.delete(key);
    this.wanted.delete(key);
    for (const w of this.waiters.get(key) ?? []) w.reject(error);
    this.waiters.delete(key);
  }

  /** The connection dropped: nothing is joined any more; wanted channels stay. */
  disconnected(): void {
    this.inside.clear();
    this.pending.clear();
  }

  /** Fails every waiter (stop). */
  fail(error: Error): void {
    for (const list of this.waiters.values()) for (const w of list) w.reject(error);
    this.waiters.clear();
  }

  private remove(key: string, waiter: Waiter): void {
    const list = (this.waiters.get(key) ?? []).filter((w) => w !== waiter);
    if (list.length > 0) this.waiters.set(key, list);
    else this.waiters.delete(key);
  }
}
