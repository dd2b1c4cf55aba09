import { z } from 'zod';
import { AddressPolicy, DEFAULT_FETCH_POLICY } from '../../bridges/net/index.js';

/**
 * `media`: how the gateway fetches files for others (bridged avatars and attachments), through
 * `src/bridges/net`. Off-limits by default: private, loopback, link-local, CGNAT, NAT64 and
 * IPv4-in-IPv6 addresses; `allow` or `allowPrivateAddresses` open them for an intranet or tests.
 */
export const mediaSectionSchema = z
  .object({
    /** Largest file fetched (bytes); a longer download is stopped. */
    maxBytes: z.number().int().positive().default(DEFAULT_FETCH_POLICY.maxBytes),
    /** Fetch from any address, private ones included — only on a closed network. */
    allowPrivateAddresses: z.boolean().default(false),
    /** Non-public destinations allowed anyway: addresses, CIDR ranges, exact host names. */
    allow: z
      .array(z.string().min(1))
      .default([])
      .superRefine((allow, ctx) => {
        allow.forEach((entry, i) => {
          try {
            new AddressPolicy({ allow: [entry] });
          } catch (error) {
            ctx.addIssue({ code: 'custom', path: [i], message: (error as Error).message });
          }
        });
      }),
    /** The whole fetch, redirects and body included (ms). */
    timeoutMs: z.number().int().positive().default(DEFAULT_FETCH_POLICY.timeoutMs),
  })
  .strict();

export type MediaSection = z.infer<typeof mediaSectionSchema>;
