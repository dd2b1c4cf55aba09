/**
 * Puppet mode: one IRC connection per bridged person who is active, named after their display
 * name (sanitised to a valid nick plus a suffix). A puppet with no traffic for `puppetIdleMs` is
 * parked (QUIT) and reconnects when its person speaks again; at most `puppetMaxConnections` are
 * open, the least recently used idle one is parked to make room, and when none can be, `acquire`
 * answers undefined and the bot relays instead.
 */
import type { AdapterLogger, SenderDisplay } from '../types.js';
import type { IrcNetworkSettings } from './config.js';
import { IrcConnection } from './connection.js';
import { ircLower, sanitizeNick } from './nick.js';

interface Puppet {
  readonly conn: IrcConnection;
  name: string;
  lastUsed: number;
  busy: number;
  idle: NodeJS.Timeout | undefined;
}

export class PuppetPool {
  private readonly puppets = new Map<string, Puppet>();

  constructor(
    private readonly settings: IrcNetworkSettings,
    private readonly logger: AdapterLogger,
    /** The server's NICKLEN, read from the bot's connection. */
    private readonly nickLength: () => number,
    private readonly now: () => number,
  ) {}

  /** Open puppet connections. */
  get size(): number {
    return this.puppets.size;
  }

  /** True when `nick` is one of our puppets (their traffic is our own echo). */
  isPuppet(nick: string): boolean {
    const lowered = ircLower(nick);
    for (const p of this.puppets.values()) if (ircLower(p.conn.nick) === lowered) return true;
    return false;
  }

  /** The puppet of `sender`, connected, or undefined when the cap leaves no room. Call `release` after use. */
  async acquire(sender: SenderDisplay): Promise<IrcConnection | undefined> {
    let puppet = this.puppets.get(sender.id);
    if (!puppet) {
      if (this.puppets.size >= this.settings.puppetMaxConnections && !(await this.parkOldest()))
        return undefined;
      puppet = this.open(sender);
    }
    puppet.busy++;
    puppet.lastUsed = this.now();
    clearTimeout(puppet.idle);
    this.rename(sender);
    await puppet.conn.start();
    return puppet.conn;
  }

  /** The open puppet of `senderId`, without opening one or marking it used (typing). */
  openPuppet(senderId: string): IrcConnection | undefined {
    return this.puppets.get(senderId)?.conn;
  }

  /**
   * The person renamed themselves: their puppet, when one is open, follows with NICK (at once
   * on a profile change, else before their next line). A parked puppet reconnects with the new
   * name anyway.
   */
  rename(sender: SenderDisplay): void {
    const puppet = this.puppets.get(sender.id);
    if (!puppet || puppet.name === sender.name) return;
    puppet.name = sender.name;
    void puppet.conn.write([`NICK ${this.nickFor(sender.name)}`]).catch(() => undefined);
  }

  /** Ends one use of the puppet of `senderId`; it is parked once idle long enough. */
  release(senderId: string): void {
    const puppet = this.puppets.get(senderId);
    if (!puppet) return;
    puppet.busy = Math.max(0, puppet.busy - 1);
    clearTimeout(puppet.idle);
    if (puppet.busy === 0)
      puppet.idle = setTimeout(() => void this.park(senderId), this.settings.puppetIdleMs);
  }

  /** Disconnects the puppet of `senderId`, if any. */
  async park(senderId: string): Promise<void> {
    const puppet = this.puppets.get(senderId);
    if (!puppet) return;
    this.puppets.delete(senderId);
    clearTimeout(puppet.idle);
    this.logger.debug({ network: this.settings.name, nick: puppet.conn.nick }, 'IRC puppet parked');
    await puppet.conn.stop('idle');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.puppets.keys()].map((id) => this.park(id)));
  }

  private nickFor(name: string): string {
    return sanitizeNick(name, this.nickLength(), this.settings.puppetSuffix);
  }

  private open(sender: SenderDisplay): Puppet {
    const conn = new IrcConnection({
      settings: { ...this.settings, realname: `${sender.name} (via Multichat)` },
      nick: this.nickFor(sender.name),
      logger: this.logger,
      authenticate: false,
    });
    const puppet: Puppet = {
      conn,
      name: sender.name,
      lastUsed: this.now(),
      busy: 0,
      idle: undefined,
    };
    this.puppets.set(sender.id, puppet);
    return puppet;
  }

  /** Parks the least recently used puppet nobody is using; false when all are busy. */
  private async parkOldest(): Promise<boolean> {
    let oldest: [string, Puppet] | undefined;
    for (const entry of this.puppets) {
      if (entry[1].busy > 0) continue;
      if (!oldest || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
    }
    if (!oldest) return false;
    await this.park(oldest[0]);
    return true;
  }
}
