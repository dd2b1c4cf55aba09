import { z } from 'zod';
import { httpUrlSchema, listenSchema } from './common.js';

/** `bridges.slack`: Socket Mode needs appToken, the Events API (mode http) needs signingSecret. */
export const slackBridgeSchema = z
  .object({
    botToken: z.string().min(1),
    signingSecret: z.string().min(1).optional(),
    appToken: z.string().min(1).optional(),
    mode: z.enum(['socket', 'http']).default('socket'),
    apiUrl: httpUrlSchema.default('https://slack.com/api/'),
    /** Events API receiver (mode http); requests arrive on /slack/events. */
    listen: listenSchema(3000).optional(),
    /** The slash command the adapter answers (`/multichat` unless renamed in the app manifest). */
    slashCommand: z
      .string()
      .regex(/^\/?[a-z0-9_-]+$/)
      .optional(),
    /** Attachments larger than this are bridged as links instead of uploaded files. */
    maxAttachmentBytes: z.number().int().positive().optional(),
    /**
     * Older spelling of `media.allowPrivateAddresses: true` for this bridge only (fetch
     * attachments from loopback/private addresses too); prefer the top-level `media:` section.
     */
    allowPrivateAttachmentUrls: z.boolean().optional(),
  })
  .strict()
  .superRefine((slack, ctx) => {
    if (slack.mode === 'socket' && !slack.appToken) {
      ctx.addIssue({
        code: 'custom',
        path: ['appToken'],
        message: 'is required when mode is socket (an xapp- token)',
      });
    }
    if (slack.mode === 'http' && !slack.signingSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['signingSecret'],
        message: 'is required when mode is http (to verify Events API requests)',
      });
    }
  });

export type SlackBridgeConfig = z.infer<typeof slackBridgeSchema>;
