/**
 * `bridges.matrix`, described once: the gateway composes `matrixSectionSchema` into its config
 * schema, and the adapter parses its section (plus the runtime's `media`) with
 * `matrixConfigSchema`, so defaults live here only.
 */
import { z } from 'zod';
import {
  backfillSchema,
  firstIssue,
  httpUrlSchema,
  listenSchema,
  mediaOptionSchema,
} from '../config-schema.js';
import { MatrixConfigError } from './errors.js';

const fields = {
  /** Client-server API base of the homeserver, e.g. http://localhost:8008. */
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
  /** Live backfill after a (re)connect (docs: the network guide's Backfill section). */
  backfill: backfillSchema,
  /** End-to-end encrypted rooms (docs/matrix.md, "Encrypted rooms"). Off by default. */
  encryption: z
    .object({
      /** Bridge encrypted rooms: the bot gets a device and decrypts and encrypts. */
      enabled: z.boolean().default(false),
      /** The encrypted rooms the bridge may read and write: `all`, or room ids and aliases. */
      allow: z
        .union([z.literal('all'), z.array(z.string().regex(/^[!#][^:]+:.+$/))])
        .default('all'),
      /** The bot's crypto store file (mode 0600); put it in the gateway's data dir. */
      store: z.string().min(1).default('./data/matrix-crypto.store'),
    })
    .strict()
    .default({ enabled: false, allow: 'all', store: './data/matrix-crypto.store' }),
};

/** The section as written in the gateway's YAML. */
export const matrixSectionSchema = z.object(fields).strict();

/**
 * What the adapter runs with: the section, defaults filled, plus `media` (how avatars and
 * attachments are fetched; by default no private, loopback or other internal address).
 */
export const matrixConfigSchema = z
  .object({ ...fields, media: mediaOptionSchema })
  .strict()
  .transform((c) => ({ ...c, homeserverUrl: c.homeserverUrl.replace(/\/+$/, '') }));

export type MatrixAdapterConfig = z.infer<typeof matrixConfigSchema>;

/** Reads the config section, filling the defaults. @throws MatrixConfigError */
export function readMatrixConfig(config: unknown): MatrixAdapterConfig {
  const result = matrixConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const { key, message } = firstIssue(result.error);
  throw new MatrixConfigError(key, message);
}

/** The URL the registration should carry for this config. */
export function appserviceUrl(config: MatrixAdapterConfig): string {
  if (config.url) return config.url.replace(/\/+$/, '');
  const host =
    config.listen.host === '0.0.0.0' || config.listen.host === '::'
      ? '127.0.0.1'
      : config.listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.listen.port}`;
}
