/**
 * `bridges.slack`, described once: the gateway composes `slackSectionSchema` into its config
 * schema, and the adapter parses its section (plus the runtime's `media`) with
 * `slackConfigSchema`, so defaults and the per-mode rules live here only.
 */
import { z } from 'zod';
import {
  backfillSchema,
  firstIssue,
  httpUrlSchema,
  listenSchema,
  mediaOptionSchema,
} from '../config-schema.js';
import { SlackConfigError } from './errors.js';

const fields = {
  /** `xoxb-` bot token: every Web API call. */
  botToken: z.string({ error: 'a bot token (xoxb-…) is required' }).min(1),
  /** Events API (mode http): verifies `X-Slack-Signature`. */
  signingSecret: z.string().min(1).optional(),
  /** Socket Mode: `xapp-` app-level token with `connections:write`. */
  appToken: z.string().min(1).optional(),
  /** socket: Socket Mode (needs appToken, no public URL); http: Events API (needs signingSecret). */
  mode: z.enum(['socket', 'http']).default('socket'),
  /** Web API base (bolt appends the method name, so the adapter ends it with `/`). */
  apiUrl: httpUrlSchema.default('https://slack.com/api/'),
  /** Events API receiver (mode http); requests arrive on /slack/events. */
  listen: listenSchema(3000).default({ host: '127.0.0.1', port: 3000 }),
  /** The slash command the adapter answers (`/multichat` unless renamed in the app manifest). */
  slashCommand: z
    .string()
    .regex(/^\/?[a-z0-9_-]+$/)
    .default('/multichat'),
  /**
   * Files larger than this are bridged as links instead of uploaded. Slack's own limit is 1 GB
   * per file; the top-level `media.maxBytes` bounds every file the gateway holds anyway.
   */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  /**
   * Older spelling of `media.allowPrivateAddresses: true` for this bridge only (fetch
   * attachments from loopback/private addresses too); prefer the top-level `media:` section.
   */
  allowPrivateAttachmentUrls: z.boolean().default(false),
  /**
   * Show bridged people's joins and leaves as a notice line by the app ("_alice_ joined"):
   * Slack has no way to show a bridged person joining. Off by default (noise).
   */
  membershipNotices: z.boolean().default(false),
  /** Live backfill after a (re)connect (docs: the network guide's Backfill section). */
  backfill: backfillSchema,
  /**
   * The pace the router keeps for this bridge's actions. Slack allows about one chat.postMessage
   * a second per channel with short bursts, so keep the default there; raise it only for a
   * server that allows more (the reliability suite's fake does, to run in CI time).
   */
  rateLimit: z
    .object({
      /** Actions a second the router sends to Slack (Slack: about 1 chat.postMessage a second per channel; raise only for a server that allows more). */
      messagesPerSecond: z.number().positive().default(1),
      /** Actions that may go out at once before that pace applies. */
      burst: z.number().int().positive().default(4),
    })
    .strict()
    .default({ messagesPerSecond: 1, burst: 4 }),
};

export type SlackMode = 'socket' | 'http';

/** Socket Mode needs appToken, the Events API (mode http) needs signingSecret. */
function tokenForMode(
  slack: { mode: SlackMode; appToken?: string | undefined; signingSecret?: string | undefined },
  ctx: z.RefinementCtx,
): void {
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
}

/** The section as written in the gateway's YAML. */
export const slackSectionSchema = z.object(fields).strict().superRefine(tokenForMode);

/** What the adapter runs with: the section, defaults filled, plus the runtime's `media`. */
export const slackConfigSchema = z
  .object({
    ...fields,
    /** How Slack files are downloaded (`src/bridges/net`): size and time limits, addresses. */
    media: mediaOptionSchema,
    /**
     * Socket Mode: how long a ping may go unanswered, and the pause before a reconnect (the
     * socket-mode client uses one value for both). Not in the YAML: tests shorten it.
     */
    clientPingTimeoutMs: z.number().int().nonnegative().default(5_000),
    /** How long `start()` waits for the connection before reporting the state as health. */
    startTimeoutMs: z.number().int().nonnegative().default(30_000),
  })
  .strict()
  .superRefine(tokenForMode)
  .transform(({ allowPrivateAttachmentUrls, ...c }) => ({
    ...c,
    apiUrl: c.apiUrl.endsWith('/') ? c.apiUrl : `${c.apiUrl}/`,
    slashCommand: c.slashCommand.startsWith('/') ? c.slashCommand : `/${c.slashCommand}`,
    // The older spelling still opens private addresses for this bridge.
    media: allowPrivateAttachmentUrls ? { ...c.media, allowPrivateAddresses: true } : c.media,
  }));

export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** @throws SlackConfigError naming the first key that is wrong. */
export function readConfig(raw: unknown): SlackConfig {
  const result = slackConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const { key, message } = firstIssue(result.error);
  throw new SlackConfigError(key, message);
}
