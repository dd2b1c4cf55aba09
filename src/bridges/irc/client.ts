/**
 * Builds the irc-framework client of one connection. irc-framework's own reconnect is off (it
 * gives up after three attempts; `IrcConnection` reconnects forever with backoff), and SASL is
 * requested only for the bot with configured credentials.
 */
import framework from 'irc-framework';
import type { IrcNetworkSettings } from './config.js';
import type { LineSocket } from './line-sender.js';

export type IrcClient = InstanceType<typeof framework.Client>;

/** A client for `settings`, registering as `nick`; `authenticate` adds SASL when configured. */
export function createIrcClient(
  settings: IrcNetworkSettings,
  nick: string,
  authenticate: boolean,
): IrcClient {
  const s = settings;
  return new framework.Client({
    host: s.host,
    port: s.port,
    tls: s.tls,
    rejectUnauthorized: s.tlsVerify,
    nick,
    username: s.username,
    gecos: s.realname,
    ...(s.password !== undefined && { password: s.password }),
    // An empty account keeps irc-framework from reusing the server password for SASL.
    account: authenticate && s.sasl ? { account: s.sasl.user, password: s.sasl.password } : {},
    // A refused SASL login disconnects instead of registering unauthenticated (./sasl.ts).
    sasl_disconnect_on_fail: true,
    auto_reconnect: false,
    version: 'Multichat gateway',
  });
}

/** The client's socket as the line sender writes to it (raw lines, no parsing). */
export function socketOf(client: IrcClient): LineSocket {
  return {
    get connected() {
      return client.connected;
    },
    write: (line) => void client.connection.write(line),
  };
}

/** Exponential backoff with ±25 % jitter: `minMs` doubling per attempt, capped at `maxMs`. */
export function reconnectDelay(settings: IrcNetworkSettings, attempt: number): number {
  const wait = Math.min(
    settings.reconnectMaxMs,
    settings.reconnectMinMs * 2 ** Math.min(attempt, 16),
  );
  return Math.round(wait * (0.75 + Math.random() * 0.5));
}
