/**
 * The unsent events of one SSE stream. Node events arrive synchronously and faster than a slow
 * client reads, so without a bound every unsent event would stay in memory for as long as the
 * client stays connected. The outbox writes one chunk at a time, in order, and counts the bytes
 * not yet taken by the connection (queued and in flight); past `limitBytes` it drops everything
 * queued and reports the overflow once, after which it accepts nothing.
 */
export class SseOutbox {
  private readonly queue: string[] = [];
  private bytes = 0;
  private writing = false;
  private overflowed = false;

  constructor(
    private readonly write: (chunk: string) => Promise<unknown>,
    private readonly limitBytes: number,
    /** Called once, with how many events were dropped (the queued ones and the newest). */
    private readonly onOverflow: (dropped: number) => void,
  ) {}

  /** Queues a chunk; false once the outbox has overflowed (the stream is being dropped). */
  push(chunk: string): boolean {
    if (this.overflowed) return false;
    // An event larger than the bound still goes when nothing is pending: only falling behind
    // drops a reader, not the size of one message.
    if (this.bytes > 0 && this.bytes + chunk.length > this.limitBytes) {
      this.overflowed = true;
      const dropped = this.queue.length + 1;
      for (const queued of this.queue) this.bytes -= queued.length;
      this.queue.length = 0;
      this.onOverflow(dropped);
      return false;
    }
    this.queue.push(chunk);
    this.bytes += chunk.length;
    void this.pump();
    return true;
  }

  /** Bytes queued or in flight (JavaScript string length, close to bytes for JSON). */
  get pendingBytes(): number {
    return this.bytes;
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (let chunk = this.queue.shift(); chunk !== undefined; chunk = this.queue.shift()) {
        try {
          await this.write(chunk);
        } catch {
          // The client went away; the stream's abort handler cleans up.
        } finally {
          this.bytes -= chunk.length;
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
