/**
 * Zod pieces every adapter's config schema uses (`src/bridges/<net>/config.ts`). Each adapter owns
 * its schema; the gateway composes them into its config schema, so a section is described once.
 * Importing this file loads zod and the fetch policy only, never a network SDK.
 */
import { z } from 'zod';
import { FetchPolicyError, readFetchPolicy, type FetchPolicyOptions } from './net/index.js';

/** A TCP port; 0 asks the OS for a free one. */
export const portSchema = z.number().int().min(0).max(65535);

/** `{ host, port }` of a listener the gateway opens (loopback by default). */
export function listenSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      port: portSchema.default(defaultPort),
    })
    .strict();
}

/** An http(s) base URL. */
export const httpUrlSchema = z.url({ protocol: /^https?$/ });

/**
 * `media`: the gateway's top-level `media:` section, which the bridge runtime puts into every
 * adapter's section (it is not written there in YAML). Absent means the fetch module's defaults.
 */
export const mediaOptionSchema = z
  .unknown()
  .optional()
  .transform((raw, ctx): FetchPolicyOptions => {
    try {
      return readFetchPolicy(raw);
    } catch (error) {
      if (!(error instanceof FetchPolicyError)) throw error;
      // The error says `media.<key>: <reason>`; the issue carries the key as its path instead.
      const message = error.message.slice(error.setting.length + 2);
      ctx.addIssue({ code: 'custom', path: error.setting.split('.').slice(1), message });
      return z.NEVER;
    }
  });

/** The first issue of a failed parse as `<key path>: <message>` parts; values are never echoed. */
export function firstIssue(error: z.ZodError): { key: string; message: string } {
  const issue = error.issues[0];
  return { key: issue?.path.join('.') ?? '', message: issue?.message ?? 'invalid' };
}
