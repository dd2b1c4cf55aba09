import { z } from 'zod';
import { bridgesSchema } from './bridges/index.js';
import { mediaSectionSchema, portSchema } from '../../bridges/config-schema.js';
import { linkSchema } from './links.js';

/** `node`: the Multichat node and its P2P host. */
export const nodeSectionSchema = z
  .object({
    /** SQLite database, node key and admin token live here. Relative to the working dir. */
    dataDir: z.string().min(1).default('./data'),
    /** libp2p multiaddrs; tcp/0 takes a free port. */
    listen: z.array(z.string().startsWith('/')).default(['/ip4/0.0.0.0/tcp/0']),
    /**
     * Multiaddrs peers should dial instead of the listen addresses (behind NAT or a port
     * forward); empty means the listen addresses.
     */
    announce: z.array(z.string().startsWith('/')).default([]),
    /** Multiaddrs ending in /p2p/<peerId>. */
    bootstrap: z.array(z.string().includes('/p2p/')).default([]),
    mdns: z
      .boolean()
      .default(true)
      .describe('Find and be found by peers on the local network (multicast DNS).'),
  })
  .strict();

/** `http`: the API, metrics and dashboard listener. */
export const httpSectionSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address the API, metrics and dashboard listen on; keep loopback unless a TLS proxy is in front.',
      ),
    port: portSchema.default(8080).describe('TCP port of the API, metrics and dashboard.'),
    /**
     * When unset, a random token is kept in `<dataDir>/admin-token` (mode 0600). At least 32
     * characters: it grants every right on the node.
     */
    adminToken: z.string().min(32).optional(),
    /** A token that may read /metrics only (besides the admin token); for Prometheus. */
    metricsToken: z.string().min(32).optional(),
    /** Concurrent event streams per user token; the next one gets 429. */
    maxStreamsPerToken: z.number().int().positive().default(5),
    /**
     * Bytes of events one stream may have unsent before the server drops it (a final `overflow`
     * event, then close); a client that reads slower than the node writes reconnects.
     */
    streamBufferBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Largest request body accepted (bytes); larger ones get 413. */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Per-token token bucket: `burst` requests at once, refilled at `perSecond`. */
    rateLimit: z
      .object({
        perSecond: z
          .number()
          .positive()
          .default(50)
          .describe('Requests per second refilled per token.'),
        burst: z
          .number()
          .int()
          .positive()
          .default(200)
          .describe('Requests a token may make at once; beyond the bucket: 429 with Retry-After.'),
      })
      .strict()
      .default({ perSecond: 50, burst: 200 }),
  })
  .strict();

/** `store`: where the mapping store and outbox live. */
export const storeSectionSchema = z
  .object({
    kind: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .describe('Mapping store and outbox: SQLite in the data dir, or PostgreSQL at `url`.'),
    url: z
      .string()
      .min(1)
      .optional()
      .describe('PostgreSQL connection URL (postgres://user:pass@host/db); required for postgres.'),
    maxHeldInbound: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe(
        'Inbound events held in memory (waiting for the mapping store, e.g. while it is down, or the core); past it new ones are dropped and counted (reason overload), then read back by backfill where the network keeps history (docs/reliability.md).',
      ),
  })
  .strict()
  .superRefine((store, ctx) => {
    if (store.kind === 'postgres' && !store.url) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'is required when store.kind is postgres (e.g. postgres://user:pass@host/db)',
      });
    }
  });

/** `log`. */
export const logSectionSchema = z
  .object({
    level: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      .default('info')
      .describe('Least severe level written.'),
    format: z
      .enum(['json', 'pretty'])
      .default('json')
      .describe('One JSON object per line (for collectors), or readable lines.'),
  })
  .strict();

/**
 * `retention`: what expiry (a message's own or its channel's retention) does on networks. The
 * copies the gateway posted are always deleted with the message; `deleteOriginals` also deletes
 * a bridged message's original on the network it came from (off by default: a network keeps
 * its own history unless the operator asks otherwise).
 */
export const retentionSectionSchema = z
  .object({
    deleteOriginals: z
      .boolean()
      .default(false)
      .describe(
        'On expiry also delete a bridged message’s original on its own network (copies are always deleted).',
      ),
  })
  .strict();

/**
 * `supervision`: the bridges retry on their own (backoff, `reconnecting` with the cause); this is
 * for a process supervisor (systemd, Docker) that should restart the gateway when that is not
 * enough.
 */
export const supervisionSectionSchema = z
  .object({
    /**
     * Exit with status 1 when a configured bridge has not been connected for this many minutes
     * (a `failed` bridge counts as down), so a supervisor restarts the gateway. Absent: never.
     */
    exitWhenDownMinutes: z.number().positive().optional(),
  })
  .strict();

/** The whole gateway config (shared/API.md). Every key is optional; `{}` is the embedded default. */
export const configSchema = z
  .object({
    node: nodeSectionSchema.default(() => nodeSectionSchema.parse({})),
    http: httpSectionSchema.default(() => httpSectionSchema.parse({})),
    store: storeSectionSchema.default(() => storeSectionSchema.parse({})),
    log: logSectionSchema.default(() => logSectionSchema.parse({})),
    bridges: bridgesSchema.default({}),
    media: mediaSectionSchema,
    retention: retentionSectionSchema.default(() => retentionSectionSchema.parse({})),
    supervision: supervisionSectionSchema.default(() => supervisionSectionSchema.parse({})),
    links: z.array(linkSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    // A link may only name networks that are configured, or it could never be carried.
    config.links.forEach((link, i) => {
      for (const network of ['irc', 'discord', 'slack', 'matrix'] as const) {
        if (link[network] && !config.bridges[network]) {
          ctx.addIssue({
            code: 'custom',
            path: ['links', i, network],
            message: `links to ${network} but bridges.${network} is not configured`,
          });
        }
      }
      const net = link.irc?.network;
      if (net !== undefined && config.bridges.irc && !(net in config.bridges.irc.networks)) {
        ctx.addIssue({
          code: 'custom',
          path: ['links', i, 'irc', 'network'],
          message: `names IRC network "${net}" which is not in bridges.irc.networks`,
        });
      }
    });
  });

/** The validated config with every default filled in. */
export type GatewayConfig = z.infer<typeof configSchema>;
