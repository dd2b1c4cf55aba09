/**
 * `bridges.irc`, described once: the gateway composes `ircSectionSchema` into its config schema,
 * and the adapter parses its section with `ircConfigSchema`, which applies the same defaults and
 * flattens each network into the settings the connection code reads.
 */
import { z } from 'zod';
import { firstIssue, portSchema } from '../config-schema.js';
import { IrcConfigError } from './errors.js';

const ms = z.number().int().min(0);

/** One IRC network the gateway connects to (`bridges.irc.networks.<name>`). */
export const ircNetworkSchema = z
  .object({
    /** Server host name or address. */
    host: z.string().min(1),
    /** Default 6697 with TLS, 6667 without. */
    port: portSchema.optional(),
    /** Connect with TLS. */
    tls: z.boolean().default(true),
    /** Check the server certificate; turn off only for a self-signed test server. */
    tlsVerify: z.boolean().default(true),
    /** Nick of the gateway's bot (a suffix is added when it is taken). */
    nick: z.string().min(1).default('multichat'),
    /** Default: the nick's letters and digits, at most 10. */
    username: z.string().min(1).optional(),
    /** Real name (GECOS) of the bot. */
    realname: z.string().min(1).default('Multichat gateway'),
    /** Server password (PASS), if the network wants one. */
    password: z.string().optional(),
    sasl: z
      .object({
        user: z.string().min(1).describe('SASL PLAIN account name.'),
        password: z.string().min(1).describe('SASL PLAIN password.'),
      })
      .strict()
      .optional(),
    /** `IDENTIFY <password>` to NickServ (or `service`) after connecting. */
    nickserv: z
      .object({
        password: z.string().min(1).describe('Password sent with IDENTIFY.'),
        service: z.string().min(1).default('NickServ').describe('Nick of the services bot.'),
      })
      .strict()
      .optional(),
    /** relay: one bot with `<nick>` prefixes; puppet: one connection per bridged person. */
    mode: z.enum(['relay', 'puppet']).default('relay'),
    /** Relay line format; `{nick}` and `{text}` are replaced. */
    relayFormat: z.string().includes('{text}').default('<{nick}> {text}'),
    /** Relay format of emotes (sent as CTCP ACTION by the bot). */
    emoteFormat: z.string().includes('{text}').default('* {nick} {text}'),
    /** A zero-width space inside relayed nicks so their IRC owners are not highlighted. */
    noPing: z.boolean().default(true),
    puppet: z
      .object({
        /** Appended to puppet nicks. */
        suffix: z.string().default('[m]'),
        /** A puppet without traffic this long disconnects until its person speaks again. */
        idleMs: ms.default(30 * 60_000),
        /** Most puppet connections at once; beyond, the bot relays. */
        maxConnections: z.number().int().min(0).default(50),
      })
      .strict()
      .default({ suffix: '[m]', idleMs: 30 * 60_000, maxConnections: 50 }),
    /** Per connection: `burst` lines at once, then one per `delayMs`. */
    flood: z
      .object({
        burst: z.number().int().min(1).default(4).describe('Lines sent at once.'),
        delayMs: ms.default(1000).describe('Then one line per this many ms.'),
      })
      .strict()
      .default({ burst: 4, delayMs: 1000 }),
    /** Channels to join at start in addition to linked ones (links join on first use). */
    channels: z
      .array(z.string().regex(/^[#&+!]/, 'an IRC channel starts with #, &, + or !'))
      .default([]),
    /** Relay mode: tell bridged people's joins and leaves as a line by the bot (./notices.ts). */
    membershipNotices: z.boolean().default(false),
    /** Bridge reactions as a short line (false: drop them). */
    reactions: z.boolean().default(true),
    /** Put before the text of an edited message (edits arrive as a correction line). */
    editPrefix: z.string().default('(edit) '),
    /** Backoff between reconnects: from `minMs`, doubling up to `maxMs`. */
    reconnect: z
      .object({
        minMs: ms.default(1000).describe('First wait before reconnecting.'),
        maxMs: ms.default(60_000).describe('Longest wait between reconnects.'),
      })
      .strict()
      .default({ minMs: 1000, maxMs: 60_000 }),
  })
  .strict();

const networks = z.record(z.string().min(1), ircNetworkSchema).default({});

/** The section as written in the gateway's YAML. */
export const ircSectionSchema = z.object({ networks }).strict();

export type IrcNetworkConfig = z.infer<typeof ircNetworkSchema>;
export type IrcMode = IrcNetworkConfig['mode'];

/** One network as the connection code reads it: every field filled in, its name included. */
function settingsOf(name: string, n: IrcNetworkConfig) {
  const { puppet, flood, reconnect, ...rest } = n;
  return {
    ...rest,
    name,
    port: n.port ?? (n.tls ? 6697 : 6667),
    username: n.username ?? (n.nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'multichat'),
    puppetSuffix: puppet.suffix,
    puppetIdleMs: puppet.idleMs,
    puppetMaxConnections: puppet.maxConnections,
    floodBurst: flood.burst,
    floodDelayMs: flood.delayMs,
    // A zero backoff would reconnect in a tight loop.
    reconnectMinMs: Math.max(10, reconnect.minMs),
    reconnectMaxMs: Math.max(10, reconnect.maxMs),
  };
}

/** What the adapter runs with; `media` (from the runtime) is accepted and not used by IRC. */
export const ircConfigSchema = z
  .object({ networks, media: z.unknown().optional() })
  .strict()
  .transform((c) => ({
    networks: Object.entries(c.networks).map(([name, n]) => settingsOf(name, n)),
  }));

export type IrcSettings = z.infer<typeof ircConfigSchema>;
export type IrcNetworkSettings = IrcSettings['networks'][number];

/**
 * The settings of `bridges.irc`, defaults applied.
 * @throws IrcConfigError naming the first key that is wrong.
 */
export function resolveConfig(config: unknown): IrcSettings {
  const result = ircConfigSchema.safeParse(config ?? {});
  if (result.success) return result.data;
  const { key, message } = firstIssue(result.error);
  throw new IrcConfigError(key, message);
}
