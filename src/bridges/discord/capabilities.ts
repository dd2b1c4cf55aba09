/** What the Discord adapter declares to the router, as data. */
import type { AdapterCapabilities } from '../types.js';
import type { DiscordConfig } from './config.js';
import { MAX_CONTENT } from './content.js';
import { GLOBAL_REQUESTS_PER_SECOND } from './rate-limit.js';

export function discordCapabilities(config: DiscordConfig): AdapterCapabilities {
  return {
    markup: 'discord',
    maxMessageLength: MAX_CONTENT,
    edits: true,
    deletes: true,
    reactions: true,
    threads: true,
    replies: true,
    // Discord cannot show a bridged person's presence.
    presence: false,
    // Degraded: the bot is shown typing (docs/discord.md); off with `typing: false`.
    typing: config.typing,
    // Bridged people are webhook names, not members: they cannot join or leave visibly; with
    // `membershipNotices` the bot posts a notice line instead (./notices.ts).
    membership: config.membershipNotices,
    // PATCH /channels/{id} topic: needs Manage Channels (a refusal is logged and counted).
    topic: true,
    // Native uploads (multipart files[n]); a file that cannot be uploaded goes as a link.
    attachments: true,
    // The router's bucket stays under Discord's global limit; per-route buckets are
    // discord.js's job (it reads the X-RateLimit headers of every answer).
    rateLimit: { messagesPerSecond: GLOBAL_REQUESTS_PER_SECOND - 5, burst: 10 },
    // Bot messages carry a nonce with enforce_nonce; webhook executes cannot.
    idempotentSends: !config.useWebhooks,
  };
}
