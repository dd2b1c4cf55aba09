/**
 * The discord.js client the adapter runs on: the gateway intents it needs, REST pointed at the
 * configured base (a fake in tests; the gateway URL then comes from that base's
 * `GET /v10/gateway/bot`), rate-limit handling from `./rate-limit.ts`, and no message, member,
 * presence or reaction cache — the adapter reads the raw dispatches, so caching them would only
 * cost memory.
 */
import {
  Client,
  GatewayIntentBits,
  Options,
  Partials,
  type CacheWithLimitsOptions,
  type GuildMember,
} from 'discord.js';
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

/**
 * What discord.js keeps per structure. The adapter reads raw dispatches and looks up only
 * guilds, channels (threads included), roles, emoji and users (./cache.ts), so every other
 * per-person or per-event cache is off: with the members intent a large guild would otherwise
 * hold a GuildMember and a presence per person on top of the user (memory grows with people, not
 * with linked channels). Members still fill the user cache (the user is cached from the member
 * payload whatever the member cache keeps); the bot's own member is kept for permission checks.
 */
const CACHE_LIMITS = {
  ...Options.DefaultMakeCacheSettings,
  MessageManager: 0,
  GuildMessageManager: 0,
  DMMessageManager: 0,
  GuildMemberManager: {
    maxSize: 0,
    keepOverLimit: (member: GuildMember) => member.id === member.client.user.id,
  },
  PresenceManager: 0,
  VoiceStateManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  ThreadMemberManager: 0,
  GuildBanManager: 0,
  GuildInviteManager: 0,
  GuildScheduledEventManager: 0,
  StageInstanceManager: 0,
  AutoModerationRuleManager: 0,
  GuildStickerManager: 0,
  ApplicationCommandManager: 0,
} satisfies CacheWithLimitsOptions;

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
    makeCache: Options.cacheWithLimits(CACHE_LIMITS),
    allowedMentions: { parse: ['users'] },
  });
}
