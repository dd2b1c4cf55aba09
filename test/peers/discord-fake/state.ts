/**
 * The fake Discord's in-memory world: one application and bot user, guilds with roles, members,
 * channels and threads, messages, webhooks and registered commands. Shapes follow the public API
 * documentation (snake_case JSON objects); only the fields a client reads are filled.
 */
import { randomBytes } from 'node:crypto';
import { Snowflakes } from './snowflake.js';

export type Json = Record<string, unknown>;

export interface FakeUser extends Json {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeRole extends Json {
  id: string;
  name: string;
  permissions: string;
  position: number;
}

export interface FakeChannel extends Json {
  id: string;
  /** 0 text, 2 voice, 11 public thread (Discord channel types). */
  type: number;
  guild_id: string;
  name: string;
  parent_id: string | null;
}

export interface FakeWebhook extends Json {
  id: string;
  type: 1;
  channel_id: string;
  guild_id: string;
  name: string;
  avatar: string | null;
  token: string;
  application_id: string;
  user: FakeUser;
}

export interface FakeMessage extends Json {
  id: string;
  channel_id: string;
  author: FakeUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  webhook_id?: string;
  nonce?: string;
}

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly roles: FakeRole[];
  readonly members: Map<string, { user: FakeUser; roles: string[]; joined_at: string }>;
  readonly emojis: { id: string; name: string; animated: boolean }[];
}

/** Every permission bit (as Discord's "administrator" would have), as a decimal string. */
export const ALL_PERMISSIONS = ((1n << 50n) - 1n).toString();

export class FakeState {
  readonly ids = new Snowflakes();
  /** A given token lets a test configure the adapter before the fake starts (a late peer). */
  constructor(token = `fake-${randomBytes(12).toString('hex')}`) {
    this.token = token;
  }
  readonly token: string;
  readonly application = { id: this.ids.next(), flags: 0 };
  readonly bot: FakeUser = {
    id: this.application.id,
    username: 'multichat-bot',
    global_name: null,
    discriminator: '0',
    avatar: null,
    bot: true,
  };
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly commands = new Map<string, Json[]>();
  /** Reactions: message id → emoji key (`name` or `name:id`) → user ids. */
  readonly reactions = new Map<string, Map<string, Set<string>>>();
  /** Nonces of messages created with `enforce_nonce`: `author nonce` → message id. */
  readonly nonces = new Map<string, string>();
  /** Channels where the bot lacks Manage Channels (Modify Channel answers 403, 50013). */
  readonly manageChannelsDenied = new Set<string>();
  /** Channels where the bot lacks Read Message History (Get Channel Messages answers 403, 50001). */
  readonly historyDenied = new Set<string>();
  /** Channels where the bot lacks Manage Webhooks (creating a webhook answers 403, 50013). */
  readonly webhooksDenied = new Set<string>();
  /** Bodies posted to interaction callbacks, in order. */
  readonly interactionReplies: Json[] = [];

  user(username: string): FakeUser {
    return {
      id: this.ids.next(),
      username,
      global_name: username,
      discriminator: '0',
      avatar: null,
    };
  }

  addGuild(name: string): FakeGuild {
    const id = this.ids.next();
    const everyone: FakeRole = { id, name: '@everyone', permissions: '1024', position: 0 };
    const guild: FakeGuild = { id, name, roles: [everyone], members: new Map(), emojis: [] };
    this.guilds.set(id, guild);
    this.addMember(guild.id, this.bot, []);
    return guild;
  }

  addRole(guildId: string, name: string, permissions = '0'): FakeRole {
    const guild = this.guild(guildId);
    const role: FakeRole = { id: this.ids.next(), name, permissions, position: guild.roles.length };
    guild.roles.push(role);
    return role;
  }

  addMember(guildId: string, user: FakeUser, roles: string[]): void {
    this.guild(guildId).members.set(user.id, { user, roles, joined_at: new Date().toISOString() });
  }

  addChannel(
    guildId: string,
    name: string,
    type = 0,
    parentId: string | null = null,
    id = this.ids.next(),
  ): FakeChannel {
    const channel: FakeChannel = {
      id,
      type,
      guild_id: guildId,
      name,
      parent_id: parentId,
      position: this.channels.size,
    };
    if (type === 11)
      channel['thread_metadata'] = { archived: false, auto_archive_duration: 1440, locked: false };
    this.channels.set(id, channel);
    return channel;
  }

  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake discord: no guild ${id}`);
    return guild;
  }

  /** The API object of a message, as REST answers and the gateway dispatches it. */
  messageObject(message: FakeMessage): Json {
    const reactions = this.reactions.get(message.id);
    const list = reactions
      ? [...reactions]
          .filter(([, users]) => users.size > 0)
          .map(([key, users]) => ({
            emoji: emojiObject(key),
            count: users.size,
            me: users.has(this.bot.id),
          }))
      : [];
    return list.length > 0 ? { ...message, reactions: list } : { ...message };
  }

  /** The GUILD_CREATE payload of a guild: roles, members, channels and active threads. */
  guildObject(guild: FakeGuild): Json {
    const channels = [...this.channels.values()].filter((c) => c.guild_id === guild.id);
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: this.bot.id,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      system_channel_flags: 0,
      roles: guild.roles.map((r) => ({
        color: 0,
        hoist: false,
        managed: false,
        mentionable: true,
        flags: 0,
        ...r,
      })),
      emojis: guild.emojis.map((e) => ({
        ...e,
        roles: [],
        require_colons: true,
        managed: false,
        available: true,
      })),
      stickers: [],
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      members: [...guild.members.values()].map((m) => ({
        ...m,
        deaf: false,
        mute: false,
        flags: 0,
      })),
      channels: channels
        .filter((c) => c.type !== 11)
        .map(({ guild_id: _g, ...c }) => ({ ...c, permission_overwrites: [] })),
      // Only active threads: an archived one is listed by the archived-threads route.
      threads: channels.filter(
        (c) =>
          c.type === 11 &&
          (c['thread_metadata'] as { archived?: boolean } | undefined)?.archived !== true,
      ),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }
}

/** `{id, name}` of an emoji key: `name:id` for a custom emoji, the character itself otherwise. */
export function emojiObject(key: string): { id: string | null; name: string } {
  const match = /^(.+):(\d+)$/.exec(key);
  return match ? { id: match[2] as string, name: match[1] as string } : { id: null, name: key };
}
