/**
 * `bridges.discord`, described once: the gateway composes `discordSectionSchema` into its config
 * schema, and the adapter parses its section (plus the runtime's `media`) with
 * `discordConfigSchema`, so defaults live here only.
 */
import { z } from 'zod';
import { backfillSchema, firstIssue, httpUrlSchema, mediaOptionSchema } from '../config-schema.js';
import { DiscordConfigError } from './errors.js';

/** Multichat channel roles a Discord role can map to. */
export const mappedRoleSchema = z.enum(['member', 'moderator', 'admin']);
export type MappedRole = z.infer<typeof mappedRoleSchema>;

const fields = {
  /** Bot token (Developer Portal → Bot); keep it in an environment variable. */
  token: z.string({ error: 'a bot token is required' }).min(1, 'a bot token is required'),
  /** REST base (a test fake or a proxy); the gateway URL comes from its /v10/gateway/bot. */
  apiUrl: httpUrlSchema.default('https://discord.com/api'),
  /** Name of the webhook the adapter creates (once) in each linked channel. */
  webhookName: z
    .string()
    .min(1)
    .max(80)
    .refine(
      (v) => !/clyde|discord/i.test(v),
      'Discord refuses webhook names containing "discord" or "clyde"',
    )
    .default('Multichat'),
  /** Post through webhooks (own name and avatar per person); false posts as the bot. */
  useWebhooks: z.boolean().default(true),
  /** Bridge member join/leave (needs the privileged Server Members intent). */
  memberEvents: z.boolean().default(true),
  /**
   * Bridge typing (TYPING_START in; out, Discord has no way to show someone else typing, so the
   * bot is shown typing while a bridged person types).
   */
  typing: z.boolean().default(true),
  /**
   * Show bridged people's joins and leaves as a notice line by the bot ("*alice* joined"):
   * Discord has no way to show a bridged person joining. Off by default (noise).
   */
  membershipNotices: z.boolean().default(false),
  /** Live backfill after a (re)connect (docs: the network guide's Backfill section). */
  backfill: backfillSchema,
  /** Bridge members' presence into Multichat (needs the privileged Presence intent). */
  presenceEvents: z.boolean().default(false),
  /** Discord role id or name → Multichat role. */
  roles: z.record(z.string(), mappedRoleSchema).default({}),
  /**
   * Files larger than this are not uploaded to Discord but posted as links in the text. Discord's
   * default per-file limit for bots and webhooks is 10 MiB; boosted servers allow more.
   */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** CDN base (a test fake): sticker images and avatars are read from it; it may be private. */
  cdnUrl: httpUrlSchema.default('https://cdn.discordapp.com'),
  /** A rate-limit wait longer than this is handed back to the router as `retryAfterMs`. */
  maxRateLimitWaitMs: z.number().int().nonnegative().default(10_000),
  /** Register `/multichat link|unlink|links` in every guild. */
  slashCommand: z.boolean().default(true),
  /** How long `start()` waits for READY before reporting the failure as health. */
  readyTimeoutMs: z.number().int().positive().default(30_000),
};

/** The section as written in the gateway's YAML. */
export const discordSectionSchema = z.object(fields).strict();

/** What the adapter runs with: the section, defaults filled, plus the runtime's `media`. */
export const discordConfigSchema = z
  .object({
    ...fields,
    media: mediaOptionSchema,
    /**
     * How many inbound events may wait for the core before new ones are shed, counted and read
     * back by backfill (./inbound-backlog.ts). Not in the YAML: tests shorten it.
     */
    maxInboundBacklog: z.number().int().min(2).default(10_000),
  })
  .strict()
  .transform((c) => ({
    ...c,
    apiUrl: c.apiUrl.replace(/\/+$/, ''),
    cdnUrl: c.cdnUrl.replace(/\/+$/, ''),
  }));

export type DiscordConfig = z.infer<typeof discordConfigSchema>;

/** @throws DiscordConfigError naming the first key that is wrong. */
export function readConfig(raw: unknown): DiscordConfig {
  const result = discordConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const { key, message } = firstIssue(result.error);
  throw new DiscordConfigError(key, message);
}
