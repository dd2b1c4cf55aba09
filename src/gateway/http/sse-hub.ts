/**
 * Open server-sent-event streams. They never end on their own, so shutdown must close them or
 * the HTTP server would wait for them forever.
 */
export class SseHub {
  private readonly closers = new Set<() => void>();

  /** Registers a stream's closer; returns the function that unregisters it. */
  add(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  get size(): number {
    return this.closers.size;
  }

  /** Ends every open stream (clients see the stream end and may reconnect elsewhere). */
  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
  }
}
