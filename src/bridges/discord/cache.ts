/**
 * Look-ups in discord.js's cache (filled from GUILD_CREATE and later dispatches): thread
 * parents, role, channel and emoji names, users, guild text channels. Inbound and outbound
 * handling use these instead of the client, so they depend only on what they read.
 */
import { ChannelType, type APIUser, type Client } from 'discord.js';
import type { InboundCache } from './inbound.js';

/** Channel types a link target may name (threads are named through their parent). */
export const TEXT_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
]);

/** Forum and media channels: only posts (threads), no plain messages; linkable too (./forum.ts). */
export const FORUM_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
]);

/** The cache view inbound handling needs; `threadTargets` holds `channel/thread` link targets. */
export function inboundCache(client: Client, threadTargets: ReadonlySet<string>): InboundCache {
  const channels = client.channels.cache;
  return {
    botId: () => client.user?.id ?? '',
    parentOf: (id) => {
      const channel = channels.get(id);
      return channel?.isThread() ? (channel.parentId ?? undefined) : undefined;
    },
    isThreadTarget: (channel, thread) => threadTargets.has(`${channel}/${thread}`),
    isForum: (id) => {
      const type = channels.get(id)?.type;
      return type !== undefined && FORUM_TYPES.has(type);
    },
    user: (id) => {
      const user = client.users.cache.get(id);
      return user && apiUser(user);
    },
    roleName: (guildId, roleId) => client.guilds.cache.get(guildId)?.roles.cache.get(roleId)?.name,
    channelName: (id) => {
      const channel = channels.get(id);
      return channel && 'name' in channel && channel.name !== null ? channel.name : undefined;
    },
  };
}

/** The guild of a channel, when cached. */
export function guildOf(client: Client, channelId: string): string | undefined {
  const channel = client.channels.cache.get(channelId);
  return channel && 'guildId' in channel ? channel.guildId : undefined;
}

/** `name:id` of the custom emoji called `name` in the guild of `channelId`. */
export function customEmoji(client: Client, channelId: string, name: string): string | undefined {
  const channel = client.channels.cache.get(channelId);
  const guild = channel && 'guild' in channel ? channel.guild : undefined;
  const emoji = guild?.emojis.cache.find((e) => e.name === name);
  return emoji ? `${emoji.name}:${emoji.id}` : undefined;
}

/** Ids of the text channels of a guild. */
export function textChannelsOf(client: Client, guildId: string): string[] {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return [];
  return [...guild.channels.cache.values()].filter((c) => TEXT_TYPES.has(c.type)).map((c) => c.id);
}

function apiUser(user: {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  discriminator: string;
}): APIUser {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    avatar: user.avatar,
    discriminator: user.discriminator,
  };
}
