/**
 * The IRC bridge's settings as the adapter uses them: the gateway's schema
 * (`src/gateway/config/bridges/irc.ts`) validates the YAML; this file only applies the same
 * defaults to what it receives, so the adapter can also be built directly (tests, benchmarks)
 * from a partial object without importing the gateway.
 */
import { IrcConfigError } from './errors.js';

export type IrcMode = 'relay' | 'puppet';

/** One network, every field filled in. */
export interface IrcNetworkSettings {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Check the server's certificate (turn off only for a self-signed test server). */
  readonly tlsVerify: boolean;
  readonly nick: string;
  readonly username: string;
  readonly realname: string;
  /** Server password sent with PASS. */
  readonly password?: string;
  readonly sasl?: { readonly user: string; readonly password: string };
  /** `PRIVMSG <service> :IDENTIFY <password>` after registration, when set. */
  readonly nickserv?: { readonly password: string; readonly service: string };
  readonly mode: IrcMode;
  /** Relay line; `{nick}` and `{text}` are replaced. */
  readonly relayFormat: string;
  /** Relay emote (sent as CTCP ACTION by the bot); `{nick}` and `{text}`. */
  readonly emoteFormat: string;
  /** Put a zero-width space inside relayed nicks so their owners are not pinged. */
  readonly noPing: boolean;
  /** Appended to puppet nicks, e.g. `[m]`. */
  readonly puppetSuffix: string;
  /** A puppet with no traffic for this long is disconnected ("parked") until it speaks again. */
  readonly puppetIdleMs: number;
  /** Most puppet connections open at once on this network; beyond, the bot relays. */
  readonly puppetMaxConnections: number;
  /** Lines one connection may send at once after being idle. */
  readonly floodBurst: number;
  /** After the burst, one line per this many milliseconds per connection. */
  readonly floodDelayMs: number;
  /** Channels to join at start besides those of links (links join on first use). */
  readonly channels: readonly string[];
  /** Bridge reactions as a short line; off drops them. */
  readonly reactions: boolean;
  /** Put before the new text of an edited message. */
  readonly editPrefix: string;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
}

export interface IrcSettings {
  readonly networks: readonly IrcNetworkSettings[];
}

type Input = Record<string, unknown>;

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v.length > 0 ? v : fallback;
}
function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}
function obj(v: unknown): Input | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Input) : undefined;
}

function network(name: string, raw: Input): IrcNetworkSettings {
  const host = str(raw['host'], '');
  if (host === '') throw new IrcConfigError(`bridges.irc.networks.${name}.host is required`);
  const tls = bool(raw['tls'], true);
  const nick = str(raw['nick'], 'multichat');
  const sasl = obj(raw['sasl']);
  const nickserv = obj(raw['nickserv']);
  const puppet = obj(raw['puppet']) ?? {};
  const flood = obj(raw['flood']) ?? {};
  const password = typeof raw['password'] === 'string' ? raw['password'] : undefined;
  const mode = raw['mode'] === 'puppet' ? 'puppet' : 'relay';
  return {
    name,
    host,
    port: num(raw['port'], tls ? 6697 : 6667),
    tls,
    tlsVerify: bool(raw['tlsVerify'], true),
    nick,
    username: str(raw['username'], nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'multichat'),
    realname: str(raw['realname'], 'Multichat gateway'),
    ...(password !== undefined && { password }),
    ...(sasl && { sasl: { user: str(sasl['user'], nick), password: str(sasl['password'], '') } }),
    ...(nickserv && {
      nickserv: {
        password: str(nickserv['password'], ''),
        service: str(nickserv['service'], 'NickServ'),
      },
    }),
    mode,
    relayFormat: str(raw['relayFormat'], '<{nick}> {text}'),
    emoteFormat: str(raw['emoteFormat'], '* {nick} {text}'),
    noPing: bool(raw['noPing'], true),
    puppetSuffix: typeof puppet['suffix'] === 'string' ? puppet['suffix'] : '[m]',
    puppetIdleMs: num(puppet['idleMs'], 30 * 60_000),
    puppetMaxConnections: Math.max(0, num(puppet['maxConnections'], 50)),
    floodBurst: Math.max(1, num(flood['burst'], 4)),
    floodDelayMs: Math.max(0, num(flood['delayMs'], 1000)),
    channels: Array.isArray(raw['channels'])
      ? raw['channels'].filter((c): c is string => typeof c === 'string')
      : [],
    reactions: bool(raw['reactions'], true),
    editPrefix: typeof raw['editPrefix'] === 'string' ? raw['editPrefix'] : '(edit) ',
    reconnectMinMs: Math.max(10, num(obj(raw['reconnect'])?.['minMs'], 1000)),
    reconnectMaxMs: Math.max(10, num(obj(raw['reconnect'])?.['maxMs'], 60_000)),
  };
}

/**
 * The settings of `bridges.irc`, defaults applied.
 * @throws IrcConfigError when a network lacks its host.
 */
export function resolveConfig(config: unknown): IrcSettings {
  const networks = obj(obj(config)?.['networks']) ?? {};
  return {
    networks: Object.entries(networks).map(([name, raw]) => network(name, obj(raw) ?? {})),
  };
}
