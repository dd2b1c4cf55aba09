import { z } from 'zod';
import { httpUrlSchema } from './common.js';

/** `bridges.discord`: one bot token. */
export const discordBridgeSchema = z
  .object({
    token: z.string().min(1),
    /** REST base (a test fake or a proxy); the gateway URL comes from its /v10/gateway/bot. */
    apiUrl: httpUrlSchema.default('https://discord.com/api'),
  })
  .strict();

export type DiscordBridgeConfig = z.infer<typeof discordBridgeSchema>;
