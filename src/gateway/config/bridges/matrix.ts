import { z } from 'zod';
import { httpUrlSchema, listenSchema } from './common.js';

/** `bridges.matrix`: the gateway as a Matrix application service. */
export const matrixBridgeSchema = z
  .object({
    homeserverUrl: httpUrlSchema,
    /** The homeserver's server name (the part after `:` in user ids). */
    domain: z.string().min(1),
    /** Path of the appservice registration YAML (written by `multichat matrix-registration`). */
    registration: z.string().min(1).default('./registration.yaml'),
    /** Where the homeserver pushes transactions to us. */
    listen: listenSchema(9000).default({ host: '127.0.0.1', port: 9000 }),
    /** Localpart prefix of the ghost users that stand for bridged people. */
    userPrefix: z.string().min(1).default('mc_'),
    /** Localpart of the bridge bot (registration `sender_localpart`). */
    senderLocalpart: z
      .string()
      .regex(/^[a-z0-9._=\-/]+$/)
      .default('multichat'),
    /** Registration `id`, unique among the homeserver's appservices. */
    id: z.string().min(1).default('multichat'),
    /** URL the homeserver uses to reach `listen` when not `http://host:port` (containers, proxies). */
    url: httpUrlSchema.optional(),
    /** Matrix user ids allowed to run the `!mc` admin commands. */
    admins: z.array(z.string().regex(/^@[^:]+:.+$/)).default([]),
  })
  .strict();

export type MatrixBridgeConfig = z.infer<typeof matrixBridgeSchema>;
