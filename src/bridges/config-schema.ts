/**
 * Zod pieces every adapter's config schema uses (`src/bridges/<net>/config.ts`). Each adapter owns
 * its schema; the gateway composes them into its config schema, so a section is described once.
 * Importing this file loads zod and the fetch policy only, never a network SDK.
 */
import { z } from 'zod';
import {
  AddressPolicy,
  DEFAULT_FETCH_POLICY,
  FetchPolicyError,
  type FetchPolicy,
  type FetchPolicyOptions,
} from './net/index.js';

/** A TCP port; 0 asks the OS for a free one. */
export const portSchema = z.number().int().min(0).max(65535);

/** `{ host, port }` of a listener the gateway opens (loopback by default). */
export function listenSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1').describe('Address the listener binds.'),
      port: portSchema.default(defaultPort).describe('TCP port of the listener.'),
    })
    .strict();
}

/** An http(s) base URL. */
export const httpUrlSchema = z.url({ protocol: /^https?$/ });

/** A list of non-public destinations allowed anyway; a bad entry is named with its reason. */
const allowSchema = z.array(z.string().min(1)).superRefine((allow, ctx) => {
  allow.forEach((entry, i) => {
    try {
      new AddressPolicy({ allow: [entry] });
    } catch (error) {
      if (!(error instanceof FetchPolicyError)) throw error;
      ctx.addIssue({ code: 'custom', path: [i], message: error.message });
    }
  });
});

/**
 * `media`, described once: how the gateway fetches files for others (through `src/bridges/net`)
 * and the base of its own media links. Nothing has a default here, so an adapter sees only what
 * was set; the top-level section fills the defaults (`mediaSectionSchema`).
 */
export const mediaSchema = z
  .object({
    /** Largest file fetched or stored (bytes); a longer download is stopped. */
    maxBytes: z.number().int().positive().optional(),
    /** The whole fetch, redirects and body included (ms). */
    timeoutMs: z.number().int().positive().optional(),
    /** Redirects followed at most. */
    maxRedirects: z.number().int().nonnegative().optional(),
    /** Fetch from any address, private ones included — only on a closed network. */
    allowPrivateAddresses: z.boolean().optional(),
    /** Non-public destinations allowed anyway: addresses, CIDR ranges, exact host names. */
    allow: allowSchema.optional(),
    /**
     * The http(s) base of the gateway's signed media links, as other networks reach it;
     * unset means the HTTP listen address.
     */
    publicUrl: httpUrlSchema.optional(),
  })
  .strict();

export type MediaOptions = FetchPolicyOptions & { readonly publicUrl?: string };

/**
 * The top-level `media:` section: `mediaSchema` with the fetch module's defaults filled in
 * (`publicUrl` stays unset unless written).
 */
export const mediaSectionSchema = mediaSchema
  .default({})
  .transform((media): MediaSection => ({ ...DEFAULT_FETCH_POLICY, ...withoutUndefined(media) }));

export type MediaSection = FetchPolicy & { readonly publicUrl?: string };

/**
 * An adapter's `media` key: the top-level section as the bridge runtime puts it into every
 * adapter's section (it is not written there in YAML). Absent means the fetch module's defaults.
 */
export const mediaOptionSchema = mediaSchema
  .optional()
  .transform((media): MediaOptions => withoutUndefined(media ?? {}));

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The first issue of a failed parse as `<key path>: <message>` parts; values are never echoed. */
export function firstIssue(error: z.ZodError): { key: string; message: string } {
  const issue = error.issues[0];
  return { key: issue?.path.join('.') ?? '', message: issue?.message ?? 'invalid' };
}

/**
 * `bridges.<net>.backfill`: after a (re)connect, what was said in each linked target since the
 * last message seen is fetched, up to this age and count per target (`maxMessages: 0` is off).
 */
export const backfillSchema = z
  .object({
    maxAgeHours: z
      .number()
      .positive()
      .default(24)
      .describe('Fetch nothing older than this after a (re)connect.'),
    maxMessages: z
      .number()
      .int()
      .nonnegative()
      .default(1_000)
      .describe('At most this many messages per linked target; 0 turns backfill off.'),
  })
  .strict()
  .default({ maxAgeHours: 24, maxMessages: 1_000 });
