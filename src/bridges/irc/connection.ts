/**
 * One IRC connection (the network's bot, or one puppet): registration with PASS / SASL PLAIN /
 * NickServ, nick collisions, channel joins confirmed by the server's JOIN echo, reconnects with
 * exponential backoff followed by identify + rejoin + resend of unconfirmed lines, and every
 * line through the flood queue. irc-framework parses the protocol; its own reconnect logic is
 * off because it gives up after three attempts.
 */
import type { AdapterLogger } from '../types.js';
import { createIrcClient, type IrcClient, reconnectDelay, socketOf } from './client.js';
import type { IrcNetworkSettings } from './config.js';
import { IrcDisconnectedError, IrcRefusedError } from './errors.js';
import type {
  IrcErrorEvent,
  JoinEvent,
  KickEvent,
  NickEvent,
  PartEvent,
  PongEvent,
} from './events.js';
import { JoinTracker } from './joins.js';
import { LineSender } from './line-sender.js';
import { ircLower, nextNick } from './nick.js';
import { saslRefusal, type SaslFailedEvent } from './sasl.js';

/** irc-framework's names of the numerics that refuse a JOIN. */
const JOIN_ERRORS = new Set([
  'channel_is_full',
  'invite_only_channel',
  'banned_from_channel',
  'bad_channel_key',
  'no_such_channel',
  'too_many_channels',
]);

/**
 * `failed`: the server refused the password (464) or the SASL login; reconnecting would be
 * refused again.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

export interface ConnectionInit {
  readonly settings: IrcNetworkSettings;
  readonly nick: string;
  readonly logger: AdapterLogger;
  /** The bot authenticates (SASL, NickServ); puppets only send the server password. */
  readonly authenticate: boolean;
  /** How long a send waits for a connection that is down before it fails (transient). */
  readonly holdMs?: number;
}

export class IrcConnection {
  readonly client: IrcClient;
  private readonly lines: LineSender;
  private readonly joins: JoinTracker;
  private state: ConnectionState = 'connecting';
  /** Set when the server refused our credentials: the next close is final. */
  private refusal: string | undefined;
  private detail: string | undefined;
  private attempts = 0;
  private nickAttempt = 0;
  private registered = false;
  private started = false;
  private timers = new Set<NodeJS.Timeout>();
  private maskLength: number | undefined;
  private readonly stateListeners = new Set<(state: ConnectionState, detail?: string) => void>();
  private readonly registeredWaiters = new Set<() => void>();

  constructor(private readonly init: ConnectionInit) {
    const s = init.settings;
    this.client = createIrcClient(s, init.nick, init.authenticate);
    const hold = init.holdMs ?? 30_000;
    this.lines = new LineSender(socketOf(this.client), s.name, s.floodBurst, s.floodDelayMs, hold);
    this.joins = new JoinTracker((line) => void this.lines.push(line).catch(() => undefined));
    this.listen();
  }

  get nick(): string {
    return this.client.user.nick;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  get stateDetail(): string | undefined {
    return this.detail;
  }

  /** Calls `listener` on every state change; returns the unsubscriber. */
  onState(listener: (state: ConnectionState, detail?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Connects; resolves once registered, when the first attempt failed (the state then says
   * `reconnecting`), or after `waitMs` with the connection still trying.
   */
  async start(waitMs = 15_000): Promise<void> {
    if (this.state === 'stopped') throw new IrcDisconnectedError(this.init.settings.name, 0);
    if (!this.started) {
      this.started = true;
      this.client.connect();
    }
    await this.whenRegistered(waitMs).catch(() => undefined);
  }

  /** Sends QUIT, stops reconnecting and fails every waiting line. Idempotent. */
  async stop(reason = 'Multichat gateway stopping'): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.lines.clear(new IrcDisconnectedError(this.init.settings.name, 0));
    this.joins.fail(new IrcDisconnectedError(this.init.settings.name, 0));
    if (!this.client.connected) return;
    const closed = new Promise<void>((resolve) => {
      this.client.on('close', () => resolve());
      this.later(resolve, 2_000);
    });
    this.client.quit(reason);
    await closed;
  }

  /** Joins `channel` (kept across reconnects); resolves on the server's JOIN echo. */
  join(channel: string): Promise<void> {
    return this.joins.join(channel, this.registered);
  }

  /** Leaves `channel` and stops rejoining it. */
  async part(channel: string, reason = ''): Promise<void> {
    if (this.joins.forget(channel))
      await this.lines.push(`PART ${channel}${reason ? ` :${reason}` : ''}`);
  }

  /** True after the server confirmed our JOIN of `channel` on this connection. */
  isIn(channel: string): boolean {
    return this.joins.isIn(channel);
  }

  /** True when the server granted IRCv3 `message-tags` (client tags such as `+typing` pass). */
  offersMessageTags(): boolean {
    return this.client.network.cap.isEnabled('message-tags');
  }

  /** UTF-8 bytes left for the text of `COMMAND target :text` once the server adds our prefix. */
  payloadBytes(command: string, target: string): number {
    const mask = this.maskLength ?? this.nick.length + 1 + 10 + 1 + 63;
    return 512 - 2 - (mask + 2) - Buffer.byteLength(`${command} ${target} :`);
  }

  /**
   * Writes raw lines in order through the flood queue; resolves when all are written. A line
   * written but not confirmed by the server when the connection drops is written again after
   * the reconnect.
   * @throws IrcDisconnectedError when the connection stays down longer than `holdMs`.
   */
  write(lines: readonly string[]): Promise<void> {
    return this.lines.write(lines);
  }

  private listen(): void {
    const c = this.client;
    c.on('registered', () => this.onRegistered());
    c.on('close', () => this.onClose());
    c.on('socket error', (err: Error) => (this.detail = err.message));
    // Final, like a refused password: the client ends the socket (sasl_disconnect_on_fail).
    c.on('sasl failed', (e: SaslFailedEvent) => {
      this.refusal = saslRefusal(e);
      this.detail = this.refusal;
    });
    c.on('nick in use', () => this.retryNick());
    c.on('nick invalid', () => this.retryNick(true));
    c.on('pong', (e: PongEvent) => {
      this.lines.pong(e.message);
    });
    c.on('join', (e: JoinEvent) => {
      if (e.nick !== this.nick) return;
      this.maskLength = e.nick.length + e.ident.length + e.hostname.length + 2;
      this.joins.joined(e.channel);
    });
    c.on('part', (e: PartEvent) => {
      if (e.nick === this.nick) this.joins.left(e.channel);
    });
    c.on('kick', (e: KickEvent) => {
      if (e.kicked !== this.nick) return;
      this.joins.left(e.channel);
      this.init.logger.warn(
        { channel: e.channel, by: e.nick, reason: e.message },
        'kicked from IRC channel; rejoining',
      );
      this.later(() => this.registered && this.joins.rejoin(e.channel), 5_000);
    });
    c.on('nick', (e: NickEvent) => {
      if (ircLower(e.new_nick) === ircLower(this.nick)) this.maskLength = undefined;
    });
    c.on('irc error', (e: IrcErrorEvent) => {
      // 464, or an ERROR before registration about the password (ngircd: "Access denied: Bad
      // password?"): the server refuses our credentials, a reconnect would be refused too.
      if (
        e.error === 'password_mismatch' ||
        (e.error === 'irc' && !this.registered && /password/i.test(e.reason ?? ''))
      )
        this.refusal = `server password refused (${e.reason ?? '464'})`;
      if (e.channel && JOIN_ERRORS.has(e.error))
        this.joins.refused(e.channel, new IrcRefusedError(e.channel, e.reason ?? e.error));
    });
  }

  private retryNick(invalid = false): void {
    if (this.registered) return;
    this.nickAttempt++;
    const max = Number(this.client.network.options['NICKLEN'] ?? 30) || 30;
    const next = invalid
      ? `mc${Math.floor(Math.random() * 1e6)}`
      : nextNick(this.init.nick, this.nickAttempt, max);
    this.client.user.nick = next;
    this.client.changeNick(next);
  }

  private onRegistered(): void {
    // Registered although SASL was refused (the server went on regardless): never run
    // unauthenticated; the close that follows makes the state `failed`.
    if (this.refusal) {
      this.client.quit('SASL refused');
      return;
    }
    this.registered = true;
    this.attempts = 0;
    this.nickAttempt = 0;
    this.detail = undefined;
    const s = this.init.settings;
    const first: string[] = [];
    if (this.init.authenticate && s.nickserv)
      first.push(`PRIVMSG ${s.nickserv.service} :IDENTIFY ${s.nickserv.password}`);
    this.lines.open([...first, ...this.joins.joinLines()]);
    this.setState('connected');
    for (const waiter of this.registeredWaiters) waiter();
    this.registeredWaiters.clear();
  }

  private onClose(): void {
    this.registered = false;
    this.maskLength = undefined;
    this.lines.closed();
    this.joins.disconnected();
    // A start() still waiting learns the outcome now: the failure is a health state.
    for (const waiter of this.registeredWaiters) waiter();
    this.registeredWaiters.clear();
    if (this.state === 'stopped') return;
    const s = this.init.settings;
    if (this.refusal) {
      this.detail = this.refusal;
      this.setState('failed', this.refusal);
      this.init.logger.error(
        { network: s.name, nick: this.init.nick, detail: this.refusal },
        'IRC server refused the credentials; not reconnecting',
      );
      return;
    }
    const jittered = reconnectDelay(s, this.attempts);
    this.attempts++;
    this.setState('reconnecting', this.detail ?? 'connection closed');
    this.init.logger.warn(
      { network: s.name, nick: this.init.nick, waitMs: jittered },
      'IRC connection lost; reconnecting',
    );
    this.later(() => {
      if (this.state !== 'stopped') this.client.connect();
    }, jittered);
  }

  private whenRegistered(ms: number): Promise<void> {
    if (this.registered) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.later(() => {
        this.registeredWaiters.delete(done);
        reject(new IrcDisconnectedError(this.init.settings.name, 1_000));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.registeredWaiters.add(done);
    });
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private setState(state: ConnectionState, detail?: string): void {
    if (this.state === state && detail === undefined) return;
    if (this.state === 'stopped' && state !== 'stopped') return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state, detail);
  }
}
