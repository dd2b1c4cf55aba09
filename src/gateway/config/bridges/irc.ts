import { z } from 'zod';
import { portSchema } from './common.js';

const ms = z.number().int().min(0);

/** One IRC network the gateway connects to (`bridges.irc.networks.<name>`). */
export const ircNetworkSchema = z
  .object({
    host: z.string().min(1),
    /** Default 6697 with TLS, 6667 without. */
    port: portSchema.optional(),
    tls: z.boolean().default(true),
    /** Check the server certificate; turn off only for a self-signed test server. */
    tlsVerify: z.boolean().default(true),
    nick: z.string().min(1).default('multichat'),
    username: z.string().min(1).optional(),
    realname: z.string().min(1).optional(),
    /** Server password (PASS), if the network wants one. */
    password: z.string().optional(),
    sasl: z
      .object({ user: z.string().min(1), password: z.string().min(1) })
      .strict()
      .optional(),
    /** `IDENTIFY <password>` to NickServ (or `service`) after connecting. */
    nickserv: z
      .object({ password: z.string().min(1), service: z.string().min(1).default('NickServ') })
      .strict()
      .optional(),
    /** relay: one bot with `<nick>` prefixes; puppet: one connection per bridged person. */
    mode: z.enum(['relay', 'puppet']).default('relay'),
    /** Relay line format; `{nick}` and `{text}` are replaced. */
    relayFormat: z.string().includes('{text}').default('<{nick}> {text}'),
    /** Relay format of emotes. */
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
      .optional(),
    /** Per connection: `burst` lines at once, then one per `delayMs`. */
    flood: z
      .object({ burst: z.number().int().min(1).default(4), delayMs: ms.default(1000) })
      .strict()
      .optional(),
    /** Channels to join at start in addition to linked ones. */
    channels: z
      .array(z.string().regex(/^[#&+!]/, 'an IRC channel starts with #, &, + or !'))
      .default([]),
    /** Bridge reactions as a short line (false: drop them). */
    reactions: z.boolean().default(true),
    /** Put before the text of an edited message (edits arrive as a correction line). */
    editPrefix: z.string().default('(edit) '),
    reconnect: z
      .object({ minMs: ms.default(1000), maxMs: ms.default(60_000) })
      .strict()
      .optional(),
  })
  .strict();

/** `bridges.irc`. */
export const ircBridgeSchema = z
  .object({
    networks: z.record(z.string().min(1), ircNetworkSchema).default({}),
  })
  .strict();

export type IrcBridgeConfig = z.infer<typeof ircBridgeSchema>;
export type IrcNetworkConfig = z.infer<typeof ircNetworkSchema>;
