/**
 * Message life cycle shared by REST routes and test controls: create, edit, delete and react,
 * each followed by the gateway dispatch Discord sends for it (MESSAGE_CREATE with `guild_id` and
 * `member`, MESSAGE_UPDATE, MESSAGE_DELETE, MESSAGE_REACTION_ADD/REMOVE).
 */
import type { FakeGateway } from './gateway.js';
import type { FakeChannel, FakeMessage, FakeState, FakeUser, Json } from './state.js';
import { emojiObject } from './state.js';

export interface NewMessage {
  readonly author: FakeUser;
  readonly content: string;
  readonly webhookId?: string;
  readonly nonce?: string;
  readonly reference?: { message_id: string; channel_id?: string };
  readonly attachments?: readonly Json[];
  /** Sticker items (`{id, name, format_type}`). */
  readonly stickers?: readonly Json[];
  readonly embeds?: readonly Json[];
  readonly type?: number;
  /** The message's id (a forum post's first message has its thread's); default a new one. */
  readonly id?: string;
}

export class Messages {
  constructor(
    private readonly state: FakeState,
    private readonly gateway: FakeGateway,
  ) {}

  create(channel: FakeChannel, input: NewMessage): FakeMessage {
    const id = input.id ?? this.state.ids.next();
    const mentions = [...input.content.matchAll(/<@!?(\d+)>/g)]
      .map((m) => this.findUser(channel.guild_id, m[1] as string))
      .filter((u): u is FakeUser => u !== undefined);
    const message: FakeMessage = {
      id,
      type: input.type ?? (input.reference ? 19 : 0),
      channel_id: channel.id,
      author: input.author,
      content: input.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions,
      mention_roles: [...input.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]),
      mention_channels: [],
      attachments: input.attachments ?? [],
      embeds: input.embeds ?? [],
      ...(input.stickers && { sticker_items: input.stickers }),
      pinned: false,
      flags: 0,
      components: [],
      ...(input.webhookId !== undefined && { webhook_id: input.webhookId }),
      ...(input.nonce !== undefined && { nonce: input.nonce }),
      ...(input.reference && {
        message_reference: {
          type: 0,
          guild_id: channel.guild_id,
          channel_id: channel.id,
          ...input.reference,
        },
      }),
    };
    this.state.messages.set(id, message);
    const member =
      input.webhookId === undefined
        ? this.memberObject(channel.guild_id, input.author.id)
        : undefined;
    this.gateway.dispatch('MESSAGE_CREATE', {
      ...this.state.messageObject(message),
      guild_id: channel.guild_id,
      ...(member && { member }),
    });
    return message;
  }

  edit(message: FakeMessage, content: string): FakeMessage {
    message.content = content;
    message.edited_timestamp = new Date().toISOString();
    const guildId = this.state.channels.get(message.channel_id)?.guild_id;
    this.gateway.dispatch('MESSAGE_UPDATE', {
      ...this.state.messageObject(message),
      guild_id: guildId,
    });
    return message;
  }

  delete(message: FakeMessage): void {
    this.state.messages.delete(message.id);
    const guildId = this.state.channels.get(message.channel_id)?.guild_id;
    this.gateway.dispatch('MESSAGE_DELETE', {
      id: message.id,
      channel_id: message.channel_id,
      guild_id: guildId,
    });
  }

  bulkDelete(channel: FakeChannel, ids: readonly string[]): void {
    for (const id of ids) this.state.messages.delete(id);
    this.gateway.dispatch('MESSAGE_DELETE_BULK', {
      ids: [...ids],
      channel_id: channel.id,
      guild_id: channel.guild_id,
    });
  }

  /** A channel's settings changed (Modify Channel, or a person in the client): CHANNEL_UPDATE. */
  channelUpdate(channel: FakeChannel, topic: string | null): void {
    channel['topic'] = topic;
    this.gateway.dispatch('CHANNEL_UPDATE', { ...channel });
  }

  /** Adds (or removes) `user`'s reaction; answers false when nothing changed. */
  react(message: FakeMessage, user: FakeUser, emojiKey: string, add: boolean): boolean {
    let byEmoji = this.state.reactions.get(message.id);
    if (!byEmoji) this.state.reactions.set(message.id, (byEmoji = new Map()));
    let users = byEmoji.get(emojiKey);
    if (!users) byEmoji.set(emojiKey, (users = new Set()));
    if (users.has(user.id) === add) return false;
    if (add) users.add(user.id);
    else users.delete(user.id);
    const guildId = this.state.channels.get(message.channel_id)?.guild_id;
    const member = add && guildId !== undefined ? this.memberObject(guildId, user.id) : undefined;
    this.gateway.dispatch(add ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', {
      user_id: user.id,
      channel_id: message.channel_id,
      message_id: message.id,
      guild_id: guildId,
      emoji: emojiObject(emojiKey),
      ...(member && { member }),
      ...(add && { message_author_id: message.author.id, burst: false, type: 0 }),
    });
    return true;
  }

  threadCreated(thread: FakeChannel): void {
    this.gateway.dispatch('THREAD_CREATE', {
      ...thread,
      newly_created: true,
      member_count: 1,
      message_count: 0,
    });
  }

  memberObject(guildId: string, userId: string): Json | undefined {
    const member = this.state.guilds.get(guildId)?.members.get(userId);
    return member && { ...member, deaf: false, mute: false, flags: 0 };
  }

  private findUser(guildId: string, id: string): FakeUser | undefined {
    return this.state.guilds.get(guildId)?.members.get(id)?.user;
  }
}
