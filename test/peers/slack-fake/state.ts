/**
 * The fake workspace's state: one team, its users (the bot among them), channels with members,
 * messages keyed by channel and `ts`, reactions, and files of the upload flow. Shapes follow the
 * Web API docs (conversation, user and message objects), trimmed to what the adapter reads.
 */

export interface FakeUser {
  readonly id: string;
  name: string;
  real_name: string;
  is_admin: boolean;
  is_owner: boolean;
  is_bot: boolean;
  deleted: boolean;
  profile: { display_name: string; real_name: string; image_72?: string; image_192?: string };
}

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  readonly is_private: boolean;
  is_archived: boolean;
  readonly members: Set<string>;
  /** conversations.setTopic's value (the conversation object's `topic.value`). */
  topic?: string;
}

/**
 * A file: uploaded by the app (files v2: `length` announced, `bytes` once POSTed to the
 * upload URL) or shared by a person. Its bytes are served at `url_private` to the bot token only.
 */
export interface FakeFile {
  readonly id: string;
  readonly name: string;
  readonly length: number;
  bytes?: Buffer;
  /** As uploaded (Content-Type), else guessed from the name. */
  mimetype?: string;
  /** Who uploaded it (the bot for files v2). */
  user?: string;
  title?: string;
  original_w?: number;
  original_h?: number;
  /** Set by files.completeUploadExternal; a second completion is refused. */
  completed?: boolean;
  channel?: string;
  thread_ts?: string;
  /** `ts` of the message that shared it. */
  share_ts?: string;
}

/** The file object Slack puts in a message's `files` (trimmed to documented fields). */
export interface FakeFileObject {
  readonly id: string;
  readonly name: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly filetype?: string;
  readonly user?: string;
  readonly size?: number;
  readonly mode?: string;
  readonly original_w?: number;
  readonly original_h?: number;
  readonly url_private?: string;
  readonly url_private_download?: string;
  readonly permalink?: string;
  readonly is_external?: boolean;
}

export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  user?: string;
  bot_id?: string;
  username?: string;
  icon_url?: string;
  text: string;
  thread_ts?: string;
  files?: FakeFileObject[];
  edited?: { user: string; ts: string };
  /** name → users who reacted */
  readonly reactions: Map<string, Set<string>>;
}

export class SlackState {
  readonly team = { id: 'T0FAKE01', domain: 'multichat-fake' };
  readonly appId = 'A0FAKEAPP';
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly files = new Map<string, FakeFile>();
  readonly bot: FakeUser;
  readonly botId = 'B0FAKEBOT';
  /** The fake's base URL, set once it listens: files are served there. */
  baseUrl = '';
  private seq = 0;
  private lastTs = 0;

  constructor() {
    this.bot = this.addUser('multichat', { bot: true });
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}0${this.seq.toString(36).toUpperCase().padStart(7, '0')}`;
  }

  /** A strictly increasing `ts`, as Slack's are within a channel. */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  addUser(
    name: string,
    options: { admin?: boolean; owner?: boolean; bot?: boolean; image?: string } = {},
  ): FakeUser {
    const user: FakeUser = {
      id: this.nextId('U'),
      name,
      real_name: name,
      is_admin: options.admin ?? false,
      is_owner: options.owner ?? false,
      is_bot: options.bot ?? false,
      deleted: false,
      profile: {
        display_name: name,
        real_name: name,
        ...(options.image && { image_72: options.image, image_192: options.image }),
      },
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(name: string, options: { private?: boolean; members?: string[] } = {}): FakeChannel {
    const channel: FakeChannel = {
      id: this.nextId(options.private ? 'G' : 'C'),
      name,
      is_private: options.private ?? false,
      is_archived: false,
      members: new Set(options.members ?? []),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  newFileId(): string {
    return this.nextId('F');
  }

  /** The object Slack shows for `file` in messages and events, with its private URLs. */
  fileObject(file: FakeFile): FakeFileObject {
    const path = `${this.baseUrl}/files-pri/${this.team.id}-${file.id}`;
    const name = encodeURIComponent(file.name);
    return {
      id: file.id,
      name: file.name,
      title: file.title ?? file.name,
      ...(file.mimetype && { mimetype: file.mimetype }),
      filetype: file.name.includes('.') ? (file.name.split('.').pop() ?? '') : 'binary',
      ...(file.user && { user: file.user }),
      size: file.bytes?.length ?? file.length,
      mode: 'hosted',
      ...(file.original_w !== undefined && { original_w: file.original_w }),
      ...(file.original_h !== undefined && { original_h: file.original_h }),
      url_private: `${path}/${name}`,
      url_private_download: `${path}/download/${name}`,
      permalink: `${this.baseUrl}/files/${file.user ?? this.bot.id}/${file.id}/${name}`,
    };
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${channel}/${ts}`);
  }

  store(message: Omit<FakeMessage, 'reactions'>): FakeMessage {
    const stored: FakeMessage = { ...message, reactions: new Map() };
    this.messages.set(`${message.channel}/${message.ts}`, stored);
    return stored;
  }

  /** Messages of a channel in `ts` order. */
  history(channel: string): FakeMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel)
      .sort((a, b) => a.ts.localeCompare(b.ts));
  }

  /** The conversation object of `conversations.info` for the bot. */
  conversation(channel: FakeChannel): Record<string, unknown> {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.is_private,
      is_group: false,
      is_private: channel.is_private,
      is_archived: channel.is_archived,
      is_member: channel.members.has(this.bot.id),
      num_members: channel.members.size,
      topic: { value: channel.topic ?? '', creator: '', last_set: 0 },
    };
  }
}
