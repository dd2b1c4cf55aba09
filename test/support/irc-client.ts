/**
 * A raw IRC client over node:net for tests and benchmarks: registers, joins (waiting for the
 * server's JOIN echo, since ngircd applies a join only after its penalty time), sends lines and
 * records every line it receives, with PRIVMSG/NOTICE parsed. Answers PING. No reconnects.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A PRIVMSG or NOTICE seen by the client. */
export interface SeenMessage {
  readonly command: 'PRIVMSG' | 'NOTICE';
  readonly nick: string;
  readonly target: string;
  readonly text: string;
  /** Wall-clock ms when the line arrived, with sub-ms decimals (benchmarks use it). */
  readonly at: number;
}

/** One parsed line: prefix nick, command and parameters (the trailing one included). */
export interface RawLine {
  readonly nick: string;
  readonly command: string;
  readonly params: readonly string[];
  readonly line: string;
}

export function parseLine(line: string): RawLine {
  let rest = line;
  let nick = '';
  if (rest.startsWith('@')) rest = rest.slice(rest.indexOf(' ') + 1);
  if (rest.startsWith(':')) {
    const end = rest.indexOf(' ');
    nick = rest.slice(1, end).split('!')[0] ?? '';
    rest = rest.slice(end + 1);
  }
  const trailingAt = rest.indexOf(' :');
  const head = trailingAt >= 0 ? rest.slice(0, trailingAt) : rest;
  const params = head.split(' ').filter(Boolean);
  const command = (params.shift() ?? '').toUpperCase();
  if (trailingAt >= 0) params.push(rest.slice(trailingAt + 2));
  return { nick, command, params, line };
}

export class RawIrcClient {
  readonly lines: RawLine[] = [];
  readonly messages: SeenMessage[] = [];
  private buffer = '';
  private waiters = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    public nick: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  /** Connects and registers; resolves after the server's 001 welcome. */
  static async connect(port: number, nick: string, password?: string): Promise<RawIrcClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawIrcClient(socket, nick);
    if (password) client.send(`PASS ${password}`);
    client.send(`NICK ${nick}`);
    client.send(`USER ${nick} 0 * :${nick}`);
    await client.waitForLine((l) => l.command === '001', 15_000);
    return client;
  }

  /** Writes one raw line (CRLF added). */
  send(line: string): void {
    if (!this.closed) this.socket.write(`${line}\r\n`);
  }

  /** Joins and waits for the JOIN echo, so later channel messages reach us. */
  async join(channel: string): Promise<void> {
    const from = this.lines.length;
    this.send(`JOIN ${channel}`);
    await this.waitForLine(
      (l, i) =>
        i >= from && l.command === 'JOIN' && l.nick === this.nick && l.params[0] === channel,
      15_000,
    );
  }

  say(target: string, text: string): void {
    this.send(`PRIVMSG ${target} :${text}`);
  }

  action(target: string, text: string): void {
    this.send(`PRIVMSG ${target} :\x01ACTION ${text}\x01`);
  }

  notice(target: string, text: string): void {
    this.send(`NOTICE ${target} :${text}`);
  }

  /** Messages received in `target` (a channel), oldest first. */
  messagesIn(target: string): SeenMessage[] {
    return this.messages.filter((m) => m.target.toLowerCase() === target.toLowerCase());
  }

  /** Resolves with the first line (index ≥ 0) matching; rejects after `ms`. */
  waitForLine(match: (line: RawLine, index: number) => boolean, ms = 10_000): Promise<RawLine> {
    return this.waitUntil(() => this.lines.find((l, i) => match(l, i)), ms, 'line');
  }

  /** Resolves once `count` messages in `target` arrived; rejects after `ms` with what came. */
  async waitForMessages(target: string, count: number, ms = 15_000): Promise<SeenMessage[]> {
    return this.waitUntil(
      () => {
        const got = this.messagesIn(target);
        return got.length >= count ? got : undefined;
      },
      ms,
      `${count} messages in ${target}`,
    );
  }

  /** Resolves with `probe()` once it is defined; rejects after `ms`. */
  waitUntil<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined && !this.closed) return;
        cleanup();
        if (value !== undefined) resolve(value);
        else reject(new Error(`${this.nick}: connection closed while waiting for ${what}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.lines
          .slice(-8)
          .map((l) => l.line)
          .join('\n');
        reject(new Error(`${this.nick}: no ${what} within ${ms} ms; last lines:\n${recent}`));
      }, ms);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Sends QUIT and closes the socket. */
  async quit(reason = 'bye'): Promise<void> {
    if (this.closed) return;
    this.send(`QUIT :${reason}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2_000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const text = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      if (text === '') continue;
      const line = parseLine(text);
      if (line.command === 'PING') this.send(`PONG :${line.params[0] ?? ''}`);
      if (line.command === 'NICK' && line.nick === this.nick)
        this.nick = line.params[0] ?? this.nick;
      if ((line.command === 'PRIVMSG' || line.command === 'NOTICE') && line.params.length >= 2) {
        this.messages.push({
          command: line.command,
          nick: line.nick,
          target: line.params[0] ?? '',
          text: line.params[1] ?? '',
          at: performance.timeOrigin + performance.now(),
        });
      }
      this.lines.push(line);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
