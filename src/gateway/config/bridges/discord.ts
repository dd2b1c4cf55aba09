import { z } from 'zod';
import { httpUrlSchema } from './common.js';

/**
 * `bridges.discord`: one bot token, plus adapter options (all optional; defaults in
 * `src/bridges/discord/config.ts`, which reads the section the same way).
 */
export const discordBridgeSchema = z
  .object({
    token: z.string().min(1),
    /** REST base (a test fake or a proxy); the gateway URL comes from its /v10/gateway/bot. */
    apiUrl: httpUrlSchema.default('https://discord.com/api'),
    /** Name of the webhook created in each linked channel. */
    webhookName: z
      .string()
      .min(1)
      .max(80)
      .refine(
        (v) => !/clyde|discord/i.test(v),
        'Discord refuses webhook names containing "discord" or "clyde"',
      )
      .optional(),
    /** Post as webhooks (own name and avatar per person); false posts as the bot. */
    useWebhooks: z.boolean().optional(),
    /** Bridge member join/leave (needs the privileged Server Members intent). */
    memberEvents: z.boolean().optional(),
    /** Discord role id or name → Multichat role. */
    roles: z.record(z.string(), z.enum(['member', 'moderator', 'admin'])).optional(),
    maxAttachmentBytes: z.number().int().positive().optional(),
    /** Rate-limit waits longer than this go back to the router as retryAfterMs. */
    maxRateLimitWaitMs: z.number().int().nonnegative().optional(),
    /** Register the /multichat slash command. */
    slashCommand: z.boolean().optional(),
    readyTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type DiscordBridgeConfig = z.infer<typeof discordBridgeSchema>;
