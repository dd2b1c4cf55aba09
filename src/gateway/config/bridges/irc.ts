import { z } from 'zod';
import { portSchema } from './common.js';

/** One IRC network the gateway connects to (`bridges.irc.networks.<name>`). */
export const ircNetworkSchema = z
  .object({
    host: z.string().min(1),
    /** Default 6697 with TLS, 6667 without. */
    port: portSchema.optional(),
    tls: z.boolean().default(true),
    nick: z.string().min(1).default('multichat'),
    /** Server password (PASS), if the network wants one. */
    password: z.string().optional(),
    sasl: z
      .object({ user: z.string().min(1), password: z.string().min(1) })
      .strict()
      .optional(),
    /** relay: one bot with `<nick>` prefixes; puppet: one connection per bridged person. */
    mode: z.enum(['relay', 'puppet']).default('relay'),
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
