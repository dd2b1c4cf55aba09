/**
 * Gateway dispatches → normalized inbound events. Works on the raw payloads (the documented
 * JSON) rather than discord.js's cached objects, so an event about a message the client never
 * cached (one posted before a restart) is handled the same as any other. The client's cache is
 * used only for names (threads' parents, roles, channels, emoji). Events are handled one after
 * another in gateway order, and handed to `emit` in that order.
 */
import type {
  APIUser,
  GatewayMessageCreateDispatchData,
  GatewayMessageDeleteBulkDispatchData,
  GatewayMessageDeleteDispatchData,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GatewayMessageUpdateDispatchData,
} from 'discord.js';
import type {
  AdapterComponents,
  AdapterLogger,
  ExternalMessageId,
  ExternalSender,
  ExternalUserId,
  InboundEvent,
  LinkTarget,
  Role,
} from '../types.js';
import type { DiscordConfig } from './config.js';
import { encodeMessageId } from './ids.js';
import { carriedMedia, type MediaSource, type MessageMedia } from './inbound-media.js';
import type { OwnDeletes } from './own-deletes.js';
import { ThreadRoots } from './thread-roots.js';
import { nameRoleAndChannelMentions, type NameLookup } from './mentions.js';
import type { Webhooks } from './webhooks.js';

/** What inbound handling reads from the client's cache. */
export interface InboundCache extends NameLookup {
  botId(): string;
  /** The parent channel of a thread, or undefined when `channelId` is not a thread. */
  parentOf(channelId: string): string | undefined;
  /** True when a link target names this thread itself (`{channel, thread}`). */
  isThreadTarget(channelId: string, threadId: string): boolean;
  /** True for a forum or media channel (its threads are posts). Absent: never. */
  isForum?(channelId: string): boolean;
  /** A cached user's name and avatar (for events that carry only an id). */
  user(userId: string): APIUser | undefined;
}

export interface InboundDeps {
  readonly emit: (event: InboundEvent) => Promise<void>;
  readonly webhooks: Webhooks;
  readonly config: DiscordConfig;
  readonly cache: InboundCache;
  readonly logger: AdapterLogger;
  /** Where attachments and stickers are read from (`open()` of each inbound attachment). */
  readonly media: MediaSource;
  /** Deletes this adapter made: their MESSAGE_DELETE is our own echo. */
  readonly ownDeletes: OwnDeletes;
  /** Counts an event seen and not emitted (docs/discord.md "What is not carried"). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
  /** Where the roots of threads started without a message are kept across restarts. */
  readonly memos?: AdapterComponents['memos'];
}

interface Where {
  readonly target: LinkTarget;
  readonly threadId?: string;
}

/** Regular messages and replies; joins, pins, thread starters and the like are not chat. */
const CHAT_TYPES = new Set([0, 19]);
/** The notice in the parent channel of a thread started without a message. */
const THREAD_CREATED = 18;
/**
 * Not chat, yet not a drop: a thread's creation notice (the thread arrives with its first
 * message) and a thread starter (the copy of a message already carried as the thread's root).
 * Every other system type (pins, member joins, boosts, follows, command notices…) is counted.
 */
const CARRIED_OTHERWISE = new Set([THREAD_CREATED, 21]);
const AUTHORS_KEPT = 50_000;

export class Inbound {
  /** Message → author, so a delete (which names no author) is attributed to the right person. */
  private readonly authors = new Map<string, ExternalSender>();
  /**
   * Person → their sender as last seen, shared by every message of theirs in `authors`: a copy
   * per message (and a new `webhook/name` string for each webhook post) was ~120 of the ~250
   * bytes each of the 50,000 entries kept (issue 23's soak heap snapshots).
   */
  private readonly people = new Map<string, ExternalSender>();
  private readonly profiled = new Set<string>();
  private readonly roots: ThreadRoots;
  /**
   * Message → its attachments' ids, so an edit that changes them is counted (not carried). Only
   * messages with files, and only ones `authors` keeps: a message there without an entry here
   * had none (an entry per message cost ~35 bytes of 50,000 for nothing).
   */
  private readonly files = new Map<string, string>();

  constructor(private readonly deps: InboundDeps) {
    this.roots = new ThreadRoots(deps.memos, deps.logger);
  }

  async messageCreate(d: GatewayMessageCreateDispatchData): Promise<void> {
    // A thread started without a message: its first message will be its root.
    if (d.type === THREAD_CREATED && d.message_reference?.channel_id !== undefined)
      await this.roots.startedWithoutMessage(d.message_reference.channel_id);
    if (!CHAT_TYPES.has(d.type)) {
      if (!CARRIED_OTHERWISE.has(d.type))
        this.deps.reportDrop?.('other', 'unsupported', `type ${d.type}`);
      return;
    }
    const where = this.where(d.channel_id);
    const sender = this.senderOf(d);
    const externalId = encodeMessageId(d.id, where.threadId);
    // In a thread carried as a thread (not a thread linked on its own): its root, if not this.
    const threadRoot =
      where.threadId !== undefined && where.target['thread'] === undefined
        ? await this.roots.forMessage(where.threadId, externalId, this.inForum(where.threadId))
        : undefined;
    this.rememberAuthor(externalId, sender);
    this.rememberFiles(externalId, fileIds(d.attachments));
    const self = await this.isSelf(d);
    if (!self) await this.profileMentioned(d.mentions);
    const { text, attachments } = this.content(d);
    if (text === '' && attachments.length === 0) {
      // Nothing the bridge can carry (a poll, a voice message's metadata only): said, not lost.
      this.deps.logger.warn(
        { channel: d.channel_id, message: d.id },
        'discord: message with no text, file, sticker or embed not bridged',
      );
      this.deps.reportDrop?.('message', 'unsupported', 'no text, file, sticker or embed');
      return;
    }
    const ref = d.message_reference;
    const replyTo =
      d.type === 19 && ref?.message_id !== undefined
        ? encodeMessageId(ref.message_id, this.where(ref.channel_id ?? d.channel_id).threadId)
        : undefined;
    void this.deps.emit({
      kind: 'message',
      target: where.target,
      sender,
      externalId,
      text,
      ...(replyTo !== undefined && { replyTo }),
      ...(threadRoot !== undefined && { threadRoot }),
      ...(attachments.length > 0 && { attachments }),
      ...(self && { self }),
    });
  }

  async messageUpdate(d: GatewayMessageUpdateDispatchData): Promise<void> {
    // Embed unfurls also arrive as updates: only a content change with an edit time is an edit.
    if (typeof d.content !== 'string' || !d.edited_timestamp || !d.author) return;
    const where = this.where(d.channel_id);
    const sender = this.senderOf(d);
    const externalId = encodeMessageId(d.id, where.threadId);
    const known = this.authors.has(externalId);
    this.rememberAuthor(externalId, sender);
    // The edit carries the text; a file added or removed by it is not carried (counted).
    if (this.filesChanged(externalId, known, d.attachments))
      this.deps.reportDrop?.('edit', 'unsupported', 'attachments changed');
    const self = await this.isSelf(d);
    const text = this.text(d);
    void this.deps.emit({
      kind: 'edit',
      target: where.target,
      sender,
      externalId,
      text,
      ...(self && { self }),
    });
  }

  messageDelete(d: GatewayMessageDeleteDispatchData): void {
    this.deleted(d.channel_id, d.id);
  }

  messageDeleteBulk(d: GatewayMessageDeleteBulkDispatchData): void {
    for (const id of d.ids) this.deleted(d.channel_id, id);
  }

  reaction(
    d: GatewayMessageReactionAddDispatchData | GatewayMessageReactionRemoveDispatchData,
    added: boolean,
  ): void {
    const where = this.where(d.channel_id);
    const user = ('member' in d ? d.member?.user : undefined) ?? this.deps.cache.user(d.user_id);
    const nick = 'member' in d ? d.member?.nick : undefined;
    const sender = user
      ? this.sender(user, nick)
      : { externalId: d.user_id as ExternalUserId, displayName: d.user_id };
    // Custom emoji are shown by name elsewhere (`:name:`); Unicode ones as the character.
    const emoji = d.emoji.id ? `:${d.emoji.name ?? d.emoji.id}:` : (d.emoji.name ?? '');
    if (emoji === '') {
      this.deps.reportDrop?.('reaction', 'unsupported', 'emoji without a name');
      return;
    }
    void this.deps.emit({
      kind: 'reaction',
      target: where.target,
      sender,
      externalId: encodeMessageId(d.message_id, where.threadId),
      emoji,
      added,
      ...(d.user_id === this.deps.cache.botId() && { self: true }),
    });
  }

  /** A member joined or left the guild: a join/leave in each of the guild's text channels. */
  membership(
    user: APIUser,
    channels: readonly string[],
    joined: boolean,
    nick?: string | null,
  ): void {
    const sender = this.sender(user, nick);
    const self = user.id === this.deps.cache.botId();
    for (const channel of channels) {
      void this.deps.emit({
        kind: joined ? 'join' : 'leave',
        target: { channel },
        sender,
        ...(self && { self }),
      });
    }
  }

  /** A member's mapped role changed: a role event in each of the guild's text channels. */
  role(user: APIUser, channels: readonly string[], role: Role, nick?: string | null): void {
    if (user.bot) return;
    const sender = this.sender(user, nick);
    for (const channel of channels) {
      void this.deps.emit({ kind: 'role', target: { channel }, sender, role });
    }
  }

  /** A member's name or avatar changed (GUILD_MEMBER_UPDATE): their profile follows. */
  profile(user: APIUser, nick?: string | null): void {
    if (user.bot) return;
    void this.deps.emit({ kind: 'profile', sender: this.sender(user, nick) });
  }

  private deleted(channelId: string, messageId: string): void {
    const where = this.where(channelId);
    const externalId = encodeMessageId(messageId, where.threadId);
    // MESSAGE_DELETE names no author; when this process saw the message it knows who wrote it,
    // otherwise (a message from before a restart) the router redacts as the mapped sender.
    const sender = this.authors.get(externalId);
    this.authors.delete(externalId);
    this.files.delete(externalId);
    const self = this.deps.ownDeletes.consume(messageId);
    void this.deps.emit({
      kind: 'delete',
      target: where.target,
      externalId,
      ...(sender && { sender }),
      ...(self && { self }),
    });
  }

  /** The target of an event in this channel or thread (also for ./ephemeral.ts). */
  where(channelId: string): Where {
    const parent = this.deps.cache.parentOf(channelId);
    if (parent === undefined) return { target: { channel: channelId } };
    if (this.deps.cache.isThreadTarget(parent, channelId)) {
      return { target: { channel: parent, thread: channelId }, threadId: channelId };
    }
    // Carried as a thread of the parent: a new message names its root (./thread-roots.ts).
    return { target: { channel: parent }, threadId: channelId };
  }

  private inForum(threadId: string): boolean {
    const parent = this.deps.cache.parentOf(threadId);
    return parent !== undefined && this.deps.cache.isForum?.(parent) === true;
  }

  private async isSelf(d: { author?: APIUser; webhook_id?: string }): Promise<boolean> {
    if (d.author?.id === this.deps.cache.botId()) return true;
    return d.webhook_id !== undefined && (await this.deps.webhooks.isOurs(d.webhook_id));
  }

  private senderOf(
    d: GatewayMessageCreateDispatchData | GatewayMessageUpdateDispatchData,
  ): ExternalSender {
    const author = d.author as APIUser;
    if (d.webhook_id !== undefined) {
      // Everyone posting through one foreign webhook shares its id: tell them apart by name.
      return {
        externalId: `${d.webhook_id}/${author.username}` as ExternalUserId,
        displayName: author.username,
      };
    }
    return this.sender(author, 'member' in d ? d.member?.nick : undefined);
  }

  /** The sender an event names: nick, global name or username, and avatar (also ./ephemeral.ts). */
  sender(
    user: Pick<APIUser, 'id' | 'username'> & Partial<APIUser>,
    nick?: string | null,
  ): ExternalSender {
    const avatar = user.avatar
      ? { avatarUrl: `${this.deps.config.cdnUrl}/avatars/${user.id}/${user.avatar}.png` }
      : {};
    return {
      externalId: user.id as ExternalUserId,
      displayName: nick || user.global_name || user.username,
      ...avatar,
    };
  }

  /** Mentioned people get a profile first, so the router can turn `<@id>` into `@name`. */
  private async profileMentioned(users: readonly APIUser[] | undefined): Promise<void> {
    for (const user of users ?? []) {
      if (user.bot || this.profiled.has(user.id)) continue;
      this.profiled.add(user.id);
      await this.deps.emit({ kind: 'profile', sender: this.sender(user) });
    }
  }

  /** The text (mentions named) plus what the message carries besides it. */
  private content(d: MessageMedia & { content?: string; guild_id?: string }) {
    const text = this.text(d);
    const { attachments, lines } = carriedMedia(d, text, this.deps.media);
    return { text: [text, ...lines].filter((l) => l !== '').join('\n'), attachments };
  }

  private text(d: { content?: string; guild_id?: string }): string {
    return nameRoleAndChannelMentions(d.content ?? '', d.guild_id, this.deps.cache);
  }

  /** Bounded by `authors`, which drops a message's files with it. */
  private rememberFiles(externalId: ExternalMessageId, ids: string): void {
    if (ids === '') this.files.delete(externalId);
    else this.files.set(externalId, ids);
  }

  /**
   * True when an update names other files than its message had. A message `authors` did not
   * keep (`known` false) has no files on record: its update only records them.
   */
  private filesChanged(
    externalId: ExternalMessageId,
    known: boolean,
    attachments: readonly { id: string }[] | undefined,
  ): boolean {
    if (attachments === undefined) {
      if (!known) this.files.set(externalId, FILES_UNKNOWN);
      return false;
    }
    const before = known ? (this.files.get(externalId) ?? '') : FILES_UNKNOWN;
    const now = fileIds(attachments);
    this.rememberFiles(externalId, now);
    return before !== FILES_UNKNOWN && now !== before;
  }

  private rememberAuthor(externalId: ExternalMessageId, sender: ExternalSender): void {
    this.authors.delete(externalId);
    this.authors.set(externalId, this.shared(sender));
    if (this.authors.size > AUTHORS_KEPT) {
      const oldest = this.authors.keys().next().value;
      if (oldest !== undefined) {
        this.authors.delete(oldest);
        this.files.delete(oldest);
      }
    }
  }

  /** The kept sender equal to `sender` (same id, name and avatar), or `sender`, now kept. */
  private shared(sender: ExternalSender): ExternalSender {
    const known = this.people.get(sender.externalId);
    if (known?.displayName === sender.displayName && known.avatarUrl === sender.avatarUrl)
      return known;
    // A renamed person gets a new entry; messages from before the rename keep the old one.
    this.people.delete(sender.externalId);
    this.people.set(sender.externalId, sender);
    if (this.people.size > AUTHORS_KEPT) {
      const oldest = this.people.keys().next().value;
      if (oldest !== undefined) this.people.delete(oldest);
    }
    return sender;
  }
}

/** Kept for a message whose files are not known yet (ids are digits: no id list is this). */
const FILES_UNKNOWN = '?';

/** A message's attachment ids as one string ('' for none). */
const fileIds = (attachments: readonly { id: string }[] | undefined): string =>
  (attachments ?? []).map((a) => a.id).join(',');
