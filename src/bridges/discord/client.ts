/**
 * The discord.js client the adapter runs on: the gateway intents it needs, REST pointed at the
 * configured base (a fake in tests; the gateway URL then comes from that base's
 * `GET /v10/gateway/bot`), rate-limit handling from `./rate-limit.ts`, and no message cache —
 * the adapter reads the raw dispatches, so caching every message would only cost memory.
 */
import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { DiscordConfig } from './config.js';
import { restOptions } from './rate-limit.js';

/**
 * Intents: guilds (channels, threads, roles, emoji in GUILD_CREATE), guild messages, message
 * content (privileged: without it message text arrives empty), reactions, emoji updates,
 * members (privileged) when member events are bridged, typing when typing is bridged, and
 * presences (privileged) when presence is bridged.
 */
export function intentsFor(config: DiscordConfig): GatewayIntentBits[] {
  return [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.MessageContent,
    GatewayIntentBits.GuildMessageReactions,
    GatewayIntentBits.GuildExpressions,
    ...(config.memberEvents ? [GatewayIntentBits.GuildMembers] : []),
    ...(config.typing ? [GatewayIntentBits.GuildMessageTyping] : []),
    ...(config.presenceEvents ? [GatewayIntentBits.GuildPresences] : []),
  ];
}

/** A client, not connected (no I/O until `login`). */
export function createClient(config: DiscordConfig): Client {
  return new Client({
    intents: intentsFor(config),
    // Events about channels and messages the client has not cached still arrive.
    partials: [
      Partials.Channel,
      Partials.Message,
      Partials.Reaction,
      Partials.User,
      Partials.GuildMember,
    ],
    rest: restOptions(`${config.apiUrl}`, config.maxRateLimitWaitMs),
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    allowedMentions: { parse: ['users'] },
  });
}
