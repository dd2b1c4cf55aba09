/**
 * Keeps events in the order they reached the receiver. bolt runs each delivery through its own
 * asynchronous middleware chain, and chains of different event types take different numbers of
 * turns, so listeners can run out of arrival order (a `user_change` overtaking the
 * `member_joined_channel` before it). The receiver stamps each event on arrival (synchronously,
 * in `customPropertiesExtractor`); listeners hand their work in with that stamp, and it runs
 * strictly in stamp order, one task at a time.
 */

/** A stamp bolt never got to a listener (dropped before it) is skipped after this long. */
const GAP_MS = 2_000;

export class ArrivalOrder {
  private stamped = 0;
  private due = 0;
  private readonly waiting = new Map<number, (() => Promise<void>) | undefined>();
  private chain: Promise<void> = Promise.resolve();
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Called by the receiver as an event arrives. */
  stamp(): number {
    return this.stamped++;
  }

  /**
   * Runs `task` after every task stamped before it; `undefined` fills the slot without work (a
   * duplicate delivery). An event without a stamp runs after everything queued so far.
   */
  put(stamp: number | undefined, task: (() => Promise<void>) | undefined): void {
    if (stamp === undefined || stamp < this.due) {
      if (task) this.run(task);
      return;
    }
    this.waiting.set(stamp, task);
    this.drain();
  }

  /** Resolves when every task handed in so far has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private drain(): void {
    while (this.waiting.has(this.due)) {
      const task = this.waiting.get(this.due);
      this.waiting.delete(this.due);
      this.due += 1;
      if (task) this.run(task);
    }
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    if (this.waiting.size > 0) {
      this.gapTimer = setTimeout(() => {
        this.due += 1;
        this.drain();
      }, GAP_MS);
    }
  }

  private run(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch(this.onError);
  }
}
