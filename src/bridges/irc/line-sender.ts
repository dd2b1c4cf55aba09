/**
 * Everything one connection writes after registration: the flood queue, and the confirmation of
 * channel lines by PING/PONG (see confirm.ts) with resending of unconfirmed lines after a
 * reconnect. The connection tells it when the socket opens and closes.
 */
import { Confirmations } from './confirm.js';
import { IrcDisconnectedError } from './errors.js';
import { FloodQueue } from './flood.js';

/** The socket side: irc-framework's client. */
export interface LineSocket {
  readonly connected: boolean;
  write(line: string): void;
}

/** Unconfirmed lines after which a PING goes out even while more lines wait. */
const CONFIRM_EVERY = 16;

export class LineSender {
  private readonly queue: FloodQueue;
  private readonly confirmations = new Confirmations();
  private pingTimer: NodeJS.Immediate | undefined;

  constructor(
    private readonly socket: LineSocket,
    private readonly network: string,
    burst: number,
    delayMs: number,
    /** How long `write` waits for a connection that is down. */
    private readonly holdMs: number,
  ) {
    this.queue = new FloodQueue(burst, delayMs);
  }

  /** Queues one line; resolves once written. */
  push(line: string): Promise<void> {
    return this.queue.push(line);
  }

  /**
   * Writes lines in order; resolves when all are written.
   * @throws IrcDisconnectedError when the connection stays down longer than `holdMs`.
   */
  async write(lines: readonly string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        for (const line of lines) this.queue.drop(line);
        reject(new IrcDisconnectedError(this.network, 5_000));
      }, this.holdMs);
    });
    try {
      await Promise.race([Promise.all(lines.map((line) => this.queue.push(line))), gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Registered: `first` lines (identify, joins) go out before anything that waited. */
  open(first: readonly string[]): void {
    this.queue.requeue(first);
    this.queue.open(this.writer);
  }

  /** The socket closed: hold everything, and put unconfirmed lines back at the front. */
  closed(): void {
    this.queue.pause();
    this.queue.requeue(this.confirmations.takeUnconfirmed());
    this.stopPing();
  }

  /** Rejects every waiting line (stop). */
  clear(error: Error): void {
    this.queue.clear(error);
    this.stopPing();
  }

  /** A PONG arrived. */
  pong(token: string): void {
    if (this.confirmations.pong(token) && this.confirmations.size > 0) this.schedulePing();
  }

  private writer = (line: string): boolean => {
    if (!this.socket.connected) return false;
    this.socket.write(line);
    if (/^(PRIVMSG|NOTICE) /.test(line)) {
      this.confirmations.written(line);
      this.schedulePing();
    }
    return true;
  };

  /**
   * One PING once the queue is empty (or after many lines) confirms everything written before;
   * at most one is out at a time, so under load it costs one line per round trip, not per line.
   */
  private schedulePing(): void {
    if (this.pingTimer) return;
    if (this.queue.size > 0 && this.confirmations.size < CONFIRM_EVERY) return;
    this.pingTimer = setImmediate(() => {
      this.pingTimer = undefined;
      const token = this.confirmations.ping();
      if (token && this.socket.connected) this.socket.write(`PING :${token}`);
    });
  }

  private stopPing(): void {
    if (this.pingTimer) clearImmediate(this.pingTimer);
    this.pingTimer = undefined;
  }
}
