/**
 * What people do in the fake workspace, turned into the events Slack sends an app: each is
 * wrapped in an `event_callback` body (`event_id`, `event_time`, `authorizations`…) exactly as
 * the Events API and Socket Mode carry it. Subclasses say how a body travels (socket or HTTP).
 */
import { randomUUID } from 'node:crypto';
import type { FakeChannel, FakeFile, FakeMessage, FakeUser, SlackState } from './state.js';

export interface SayOptions {
  readonly threadTs?: string;
  /** `thread_broadcast`: a thread reply also shown in the channel. */
  readonly broadcast?: boolean;
  readonly blocks?: readonly unknown[];
  readonly files?: FakeMessage['files'];
  readonly subtype?: 'me_message';
  /** Posted at this time (ms) instead of now: a message from further back in the history. */
  readonly at?: number;
}

export abstract class Workspace {
  /** Every event body sent, by event id (to re-deliver one). */
  readonly bodies = new Map<string, Record<string, unknown>>();
  private commandSeq = 0;

  protected constructor(readonly state: SlackState) {}

  protected abstract deliverEvent(body: Record<string, unknown>): void;
  protected abstract deliverCommand(command: Record<string, string>): void;
  protected abstract responseUrl(id: string): string;

  addUser(
    name: string,
    options: { admin?: boolean; owner?: boolean; image?: string } = {},
  ): FakeUser {
    return this.state.addUser(name, options);
  }

  /** A channel the bot is a member of unless `botMember: false`. */
  addChannel(name: string, options: { private?: boolean; botMember?: boolean } = {}): FakeChannel {
    const members = options.botMember === false ? [] : [this.state.bot.id];
    return this.state.addChannel(name, { private: options.private ?? false, members });
  }

  /** Wraps `event` in an `event_callback` body and sends it; returns the body. */
  emitEvent(event: Record<string, unknown>): Record<string, unknown> {
    const eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const body = {
      token: 'fake-verification-token',
      team_id: this.state.team.id,
      api_app_id: this.state.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.state.team.id,
          user_id: this.state.bot.id,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${eventId}`,
    };
    this.bodies.set(eventId, body);
    this.deliverEvent(body);
    return body;
  }

  say(channel: FakeChannel, user: FakeUser, text: string, options: SayOptions = {}): FakeMessage {
    const m = this.state.store({
      channel: channel.id,
      ts: options.at === undefined ? this.state.nextTs() : `${(options.at / 1000).toFixed(6)}`,
      user: user.id,
      text,
      ...(options.threadTs !== undefined && { thread_ts: options.threadTs }),
      ...(options.files && { files: options.files }),
    });
    const subtype =
      options.subtype ??
      (options.broadcast ? 'thread_broadcast' : options.files ? 'file_share' : undefined);
    this.emitEvent({
      type: 'message',
      ...(subtype && { subtype }),
      channel: channel.id,
      channel_type: channel.is_private ? 'group' : 'channel',
      user: user.id,
      text,
      ts: m.ts,
      event_ts: m.ts,
      client_msg_id: randomUUID(),
      team: this.state.team.id,
      ...(options.blocks && { blocks: options.blocks }),
      ...(options.threadTs !== undefined && { thread_ts: options.threadTs }),
      ...(options.files && { files: options.files, upload: false }),
    });
    return m;
  }

  /**
   * `user` uploads a file into `channel` (a `file_share` message, caption `text`, '' by
   * default): its bytes are then served at the file's `url_private` to the bot token only.
   */
  shareFile(
    channel: FakeChannel,
    user: FakeUser,
    upload: {
      readonly name: string;
      readonly bytes: Buffer;
      readonly mimetype?: string;
      readonly width?: number;
      readonly height?: number;
    },
    options: { readonly text?: string; readonly threadTs?: string } = {},
  ): { message: FakeMessage; file: FakeFile } {
    const file: FakeFile = {
      id: this.state.newFileId(),
      name: upload.name,
      length: upload.bytes.length,
      bytes: upload.bytes,
      mimetype: upload.mimetype ?? 'application/octet-stream',
      user: user.id,
      completed: true,
      channel: channel.id,
      ...(upload.width !== undefined && { original_w: upload.width }),
      ...(upload.height !== undefined && { original_h: upload.height }),
    };
    this.state.files.set(file.id, file);
    const message = this.say(channel, user, options.text ?? '', {
      files: [this.state.fileObject(file)],
      ...(options.threadTs !== undefined && { threadTs: options.threadTs }),
    });
    file.share_ts = message.ts;
    return { message, file };
  }

  /** Another integration posting (`bot_message` with its own username). */
  botSay(channel: FakeChannel, botId: string, username: string, text: string): FakeMessage {
    const m = this.state.store({
      channel: channel.id,
      ts: this.state.nextTs(),
      bot_id: botId,
      username,
      text,
    });
    this.emitEvent({
      type: 'message',
      subtype: 'bot_message',
      channel: channel.id,
      bot_id: botId,
      username,
      text,
      ts: m.ts,
      event_ts: m.ts,
    });
    return m;
  }

  edit(message: FakeMessage, text: string): void {
    const previous = { type: 'message', user: message.user, text: message.text, ts: message.ts };
    message.text = text;
    const ts = this.state.nextTs();
    message.edited = { user: message.user ?? '', ts };
    this.emitEvent({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: message.channel,
      ts,
      event_ts: ts,
      message: {
        type: 'message',
        user: message.user,
        text,
        ts: message.ts,
        edited: message.edited,
        ...(message.thread_ts && { thread_ts: message.thread_ts }),
      },
      previous_message: previous,
    });
  }

  /** An unfurl: Slack reports it as message_changed with the text unchanged. */
  unfurl(message: FakeMessage): void {
    const ts = this.state.nextTs();
    const shown = { type: 'message', user: message.user, text: message.text, ts: message.ts };
    this.emitEvent({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: message.channel,
      ts,
      event_ts: ts,
      message: { ...shown, attachments: [{ id: 1, title: 'unfurl' }] },
      previous_message: shown,
    });
  }

  /** `oldMessage: true`: Slack leaves out `previous_message` (as it may for old messages). */
  remove(message: FakeMessage, options: { oldMessage?: boolean } = {}): void {
    this.state.messages.delete(`${message.channel}/${message.ts}`);
    const ts = this.state.nextTs();
    this.emitEvent({
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: message.channel,
      ts,
      event_ts: ts,
      deleted_ts: message.ts,
      ...(!options.oldMessage && {
        previous_message: {
          type: 'message',
          user: message.user,
          text: message.text,
          ts: message.ts,
        },
      }),
    });
  }

  react(message: FakeMessage, user: FakeUser, name: string, added = true): void {
    const who = message.reactions.get(name) ?? new Set<string>();
    if (added) who.add(user.id);
    else who.delete(user.id);
    message.reactions.set(name, who);
    this.emitEvent({
      type: added ? 'reaction_added' : 'reaction_removed',
      user: user.id,
      reaction: name,
      item_user: message.user ?? '',
      item: { type: 'message', channel: message.channel, ts: message.ts },
      event_ts: this.state.nextTs(),
    });
  }

  join(channel: FakeChannel, user: FakeUser): void {
    channel.members.add(user.id);
    this.emitEvent({
      type: 'member_joined_channel',
      user: user.id,
      channel: channel.id,
      channel_type: 'C',
      team: this.state.team.id,
      event_ts: this.state.nextTs(),
    });
  }

  leave(channel: FakeChannel, user: FakeUser): void {
    channel.members.delete(user.id);
    this.emitEvent({
      type: 'member_left_channel',
      user: user.id,
      channel: channel.id,
      channel_type: 'C',
      team: this.state.team.id,
      event_ts: this.state.nextTs(),
    });
  }

  setTopic(channel: FakeChannel, user: FakeUser, topic: string): void {
    channel.topic = topic;
    const ts = this.state.nextTs();
    this.emitEvent({
      type: 'message',
      subtype: 'channel_topic',
      channel: channel.id,
      user: user.id,
      topic,
      text: `set the channel topic: ${topic}`,
      ts,
      event_ts: ts,
    });
  }

  /** A profile edit (`user_change` carries the whole user object). */
  changeProfile(user: FakeUser, profile: { displayName?: string; image?: string }): void {
    if (profile.displayName !== undefined) user.profile.display_name = profile.displayName;
    if (profile.image !== undefined) {
      user.profile.image_72 = profile.image;
      user.profile.image_192 = profile.image;
    }
    this.emitEvent({
      type: 'user_change',
      user: { ...user, team_id: this.state.team.id },
      cache_ts: Math.floor(Date.now() / 1000),
      event_ts: this.state.nextTs(),
    });
  }

  /** `/multichat <text>` typed by `user` in `channel`; returns the command id (see `responses`). */
  command(channel: FakeChannel, user: FakeUser, text: string, command = '/multichat'): string {
    this.commandSeq += 1;
    const id = `cmd${this.commandSeq}`;
    this.deliverCommand({
      token: 'fake-verification-token',
      team_id: this.state.team.id,
      team_domain: this.state.team.domain,
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command,
      text,
      api_app_id: this.state.appId,
      is_enterprise_install: 'false',
      response_url: this.responseUrl(id),
      trigger_id: `${this.commandSeq}.fake.trigger`,
    });
    return id;
  }
}
