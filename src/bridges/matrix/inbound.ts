/**
 * Matrix events → the contract's inbound events. Runs inside the library's per-room queue, so
 * events of one room reach `emit` in the homeserver's order. Ghost echoes never get here (the
 * library drops events our namespace sent); with encryption on, encrypted events come here as
 * their plaintext (./session.ts, ./crypto/); with it off they are logged and dropped. Role
 * changes of real users (power levels, bans) are emitted as `role` events and also handed to
 * `role` listeners; those of ghosts and the bot only to the listeners, since they are the
 * router's own doing or concern a person of another network.
 * Files and stickers are read by `./inbound-media.ts`.
 */
import type {
  AdapterComponents,
  ExternalMessageId,
  InboundEvent,
  MediaStream,
  PresenceStatus,
} from '../types.js';
import { MemoMap } from '../memo/index.js';
import type { RawEvent } from './host.js';
import { personOfGhost, type GhostNaming } from './ids.js';
import { isMediaEvent, mediaMessage, type NotCarried } from './inbound-media.js';
import { intentionalMentions } from './mentions.js';
import { roleChanges, type PowerLevels, type RoleChangeEvent } from './power-levels.js';
import type { Profiles } from './profiles.js';
import type { MatrixTarget } from './target.js';

type Content = Record<string, unknown>;

/** Edits carry no file to read (the edited event's attachment stays as it was). */
const noOpen = (): Promise<never> => Promise.reject(new Error('an edit carries no file'));

const TEXT = new Set(['m.text', 'm.notice', 'm.emote']);
const PRESENCE: Record<string, PresenceStatus> = {
  online: 'online',
  unavailable: 'away',
  offline: 'offline',
};

export interface InboundDeps {
  readonly naming: GhostNaming;
  readonly homeserverUrl: string;
  readonly botUserId: string;
  readonly profiles: Profiles;
  emit(event: InboundEvent): void;
  /** Reads a file of the homeserver (authenticated media). */
  openMedia(mxc: string): Promise<MediaStream>;
  /** A file was not carried (encrypted, no usable URI): count and log it. */
  fileNotCarried(reason: NotCarried, name: string, room: string): void;
  role(event: RoleChangeEvent): void;
  /** A ghost's membership ended (kicked, banned): forget the join cache. */
  ghostLeft(userId: string, roomId: string): void;
  warn(obj: object, msg: string): void;
  /** Counts an event seen and not emitted (docs/matrix.md "What is not carried"). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
  /**
   * Where reactions seen are remembered (the adapter memos, so a redaction after a restart is
   * still a removal: in an encrypted room the redacted reaction's key cannot be read again).
   * Absent: in memory only.
   */
  readonly reactions?: MemoMap;
}

/** What a reaction was, so its redaction can be carried as the removal. */
interface SeenReaction {
  readonly room: string;
  readonly target: string;
  readonly key: string;
  readonly sender: string;
}

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function obj(value: unknown): Content {
  return typeof value === 'object' && value !== null ? (value as Content) : {};
}

function escapeHtml(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/\n/g, '<br>');
}

/** The content's text as Matrix HTML, without a reply fallback. */
export function htmlOf(content: Content, isReply: boolean): string {
  if (
    content['format'] === 'org.matrix.custom.html' &&
    typeof content['formatted_body'] === 'string'
  ) {
    return content['formatted_body'].replace(/<mx-reply>[\s\S]*?<\/mx-reply>/g, '');
  }
  let body = typeof content['body'] === 'string' ? content['body'] : '';
  if (isReply) {
    const lines = body.split('\n');
    let i = 0;
    while (i < lines.length && (lines[i] as string).startsWith('>')) i++;
    if (i > 0 && lines[i] === '') body = lines.slice(i + 1).join('\n');
  }
  return escapeHtml(body);
}

/**
 * A message of a msgtype that is neither text nor a file, written out by rule (docs/matrix.md):
 * a location as `[location: body]`, any other with a body as that body. Key verification
 * requests and bodiless ones have nothing to show: undefined (counted as dropped).
 */
export function otherMsgtypeText(msgtype: string, content: Content): string | undefined {
  if (msgtype.startsWith('m.key.verification.')) return undefined;
  const body = typeof content['body'] === 'string' ? content['body'].trim() : '';
  if (msgtype === 'm.location') {
    const geo = typeof content['geo_uri'] === 'string' ? content['geo_uri'] : '';
    const place = body !== '' && geo !== '' && !body.includes(geo) ? `${body} ${geo}` : body || geo;
    return place === '' ? undefined : `[location: ${place}]`;
  }
  return body === '' ? undefined : body;
}

export class InboundTranslator {
  /** Reactions we saw, so their redaction can be reported as a removal. */
  private readonly reactions: MemoMap;
  private readonly warnedRooms = new Set<string>();
  /** File event → its mxc URI, so an edit that replaces the file is counted (not carried). */
  private readonly fileUrls = new Map<string, string>();

  constructor(private readonly deps: InboundDeps) {
    this.reactions = deps.reactions ?? new MemoMap('matrix', 'reaction', undefined, quiet);
  }

  /** Handles one room or state event. Blocks only on a profile lookup the first time a user speaks. */
  async event(event: RawEvent): Promise<void> {
    const room = event.room_id;
    const sender = event.sender;
    if (typeof room !== 'string' || typeof sender !== 'string' || typeof event.type !== 'string')
      return;
    const target: MatrixTarget = { room };
    const content = obj(event['content']);
    switch (event.type) {
      case 'm.room.member':
        return this.member(event, target, content);
      case 'm.room.power_levels':
        return await this.powerLevels(event, target, content, sender);
      case 'm.room.encrypted':
        if (!this.warnedRooms.has(room)) {
          this.warnedRooms.add(room);
          this.deps.warn({ room }, 'encrypted Matrix room: encryption is off in the config');
        }
        return;
    }
    if (sender === this.deps.botUserId || personOfGhost(this.deps.naming, sender) !== undefined)
      return;
    const id = String(event['event_id']) as ExternalMessageId;
    if (event.type === 'm.room.message' || event.type === 'm.sticker')
      return this.message(id, target, content, sender, event.type);
    if (event.type === 'm.reaction') {
      const rel = obj(content['m.relates_to']);
      if (
        rel['rel_type'] !== 'm.annotation' ||
        typeof rel['key'] !== 'string' ||
        typeof rel['event_id'] !== 'string'
      ) {
        this.deps.reportDrop?.('reaction', 'unsupported', 'not an annotation');
        return;
      }
      const seen: SeenReaction = { room, target: rel['event_id'], key: rel['key'], sender };
      await this.reactions.set(id, JSON.stringify(seen));
      const from = await this.deps.profiles.sender(sender);
      this.deps.emit({
        kind: 'reaction',
        target,
        sender: from,
        externalId: rel['event_id'] as ExternalMessageId,
        emoji: rel['key'],
        added: true,
      });
      return;
    }
    if (event.type === 'm.room.redaction') {
      const redacts = (event['redacts'] ?? content['redacts']) as string | undefined;
      if (typeof redacts !== 'string') return;
      const from = await this.deps.profiles.sender(sender);
      const memo = await this.reactions.get(redacts);
      const reaction = memo === undefined ? undefined : (JSON.parse(memo) as SeenReaction);
      if (reaction) {
        await this.reactions.delete(redacts);
        const reactor = await this.deps.profiles.sender(reaction.sender);
        this.deps.emit({
          kind: 'reaction',
          target,
          sender: reactor,
          externalId: reaction.target as ExternalMessageId,
          emoji: reaction.key,
          added: false,
        });
        return;
      }
      this.deps.emit({
        kind: 'delete',
        target,
        sender: from,
        externalId: redacts as ExternalMessageId,
      });
      return;
    }
    if (event.type === 'm.room.topic' && typeof content['topic'] === 'string') {
      this.deps.emit({
        kind: 'topic',
        target,
        sender: await this.deps.profiles.sender(sender),
        topic: content['topic'],
      });
    }
  }

  private async message(
    id: ExternalMessageId,
    target: MatrixTarget,
    content: Content,
    senderId: string,
    type: string,
  ): Promise<void> {
    const rel = obj(content['m.relates_to']);
    const sender = await this.deps.profiles.sender(senderId);
    if (rel['rel_type'] === 'm.replace' && typeof rel['event_id'] === 'string') {
      const next = obj(content['m.new_content']);
      // The edit carries the text; a replaced file is not carried (counted).
      if (this.fileReplaced(rel['event_id'], next))
        this.deps.reportDrop?.('edit', 'unsupported', 'attachment changed');
      this.deps.emit({
        kind: 'edit',
        target,
        sender,
        externalId: rel['event_id'] as ExternalMessageId,
        // An edited file without a caption keeps an empty text (its body is the file's name).
        text:
          isMediaEvent(type, next) && !mediaMessage(type, next, noOpen).captioned
            ? ''
            : htmlOf(next, false),
        // A text edit names its msgtype: m.text after m.emote ends the emote (and back).
        ...(TEXT.has(String(next['msgtype'])) && { isEmote: next['msgtype'] === 'm.emote' }),
      });
      return;
    }
    const msgtype = String(content['msgtype'] ?? '');
    const replyTo = obj(rel['m.in_reply_to'])['event_id'];
    const isThread = rel['rel_type'] === 'm.thread' && typeof rel['event_id'] === 'string';
    const isFallback = isThread && rel['is_falling_back'] === true;
    const reply =
      typeof replyTo === 'string' && !isFallback ? (replyTo as ExternalMessageId) : undefined;
    const common = {
      kind: 'message' as const,
      target,
      sender,
      externalId: id,
      ...(reply && { replyTo: reply }),
      ...(isThread && { threadRoot: rel['event_id'] as ExternalMessageId }),
    };
    const mentions = intentionalMentions(content);
    if (type === 'm.room.message' && TEXT.has(msgtype)) {
      this.deps.emit({
        ...common,
        text: htmlOf(content, reply !== undefined),
        ...(msgtype === 'm.emote' && { isEmote: true }),
        ...(mentions.length > 0 && { mentions }),
      });
    } else if (isMediaEvent(type, content)) {
      if (typeof content['url'] === 'string') this.rememberFile(id, content['url']);
      const media = mediaMessage(type, content, (mxc) => this.deps.openMedia(mxc));
      if (media.notCarried)
        this.deps.fileNotCarried(
          media.notCarried,
          String(content['filename'] ?? content['body'] ?? ''),
          target.room,
        );
      const texts = [
        ...(media.captioned ? [htmlOf(content, reply !== undefined)] : []),
        ...media.notes.map(escapeHtml),
      ];
      this.deps.emit({
        ...common,
        text: texts.join('<br>'),
        ...(media.attachments.length > 0 && { attachments: media.attachments }),
      });
    } else {
      const text = otherMsgtypeText(msgtype, content);
      if (text === undefined)
        this.deps.reportDrop?.('message', 'unsupported', `msgtype ${msgtype}`);
      else this.deps.emit({ ...common, text: escapeHtml(text) });
    }
  }

  private rememberFile(id: string, url: string): void {
    this.fileUrls.set(id, url);
    if (this.fileUrls.size > 10_000)
      this.fileUrls.delete(this.fileUrls.keys().next().value as string);
  }

  /** True when an edit names another file than its event had (an unknown event: no). */
  private fileReplaced(id: string, next: Content): boolean {
    const before = this.fileUrls.get(id);
    if (before === undefined) return false;
    const now = typeof next['url'] === 'string' ? next['url'] : undefined;
    // A file edit without a URL names no new file; an edit into text removes it.
    if (now === undefined) return !isMediaEvent('m.room.message', next);
    this.fileUrls.set(id, now);
    return now !== before;
  }

  private async member(event: RawEvent, target: MatrixTarget, content: Content): Promise<void> {
    const userId = event['state_key'];
    const room = target.room;
    if (typeof userId !== 'string') return;
    const membership = content['membership'];
    const before = obj(obj(event['unsigned'])['prev_content'])['membership'];
    if (userId === this.deps.botUserId || personOfGhost(this.deps.naming, userId) !== undefined) {
      if (membership === 'leave' || membership === 'ban') this.deps.ghostLeft(userId, room);
      return;
    }
    // Only a join carries the person's current name and avatar (a leave has none).
    const changed =
      membership === 'join' &&
      this.deps.profiles.learn(userId, content['displayname'], content['avatar_url']);
    const sender = await this.deps.profiles.sender(userId);
    if (membership === 'join' && before !== 'join')
      this.deps.emit({ kind: 'join', target, sender });
    else if (membership === 'join' && changed) this.deps.emit({ kind: 'profile', sender });
    else if ((membership === 'leave' || membership === 'ban') && before === 'join')
      this.deps.emit({ kind: 'leave', target, sender });
    if (membership === 'ban') {
      this.deps.role({ target, userId, role: 'banned', by: String(event.sender) });
      this.deps.emit({ kind: 'role', target, sender, role: 'banned' });
    }
  }

  private async powerLevels(
    event: RawEvent,
    target: MatrixTarget,
    content: Content,
    by: string,
  ): Promise<void> {
    const before = obj(event['unsigned'])['prev_content'] as PowerLevels | undefined;
    for (const change of roleChanges(before, content as PowerLevels)) {
      if (change.userId === this.deps.botUserId) continue;
      const personId = personOfGhost(this.deps.naming, change.userId);
      this.deps.role({
        target,
        userId: change.userId,
        role: change.role,
        by,
        ...(personId !== undefined && { personId }),
      });
      if (personId !== undefined) continue;
      const sender = await this.deps.profiles.sender(change.userId);
      this.deps.emit({ kind: 'role', target, sender, role: change.role });
    }
  }

  /** Presence (`m.presence`) of real users; typing and receipts are not bridged. */
  async ephemeral(event: RawEvent): Promise<void> {
    if (event.type !== 'm.presence' || typeof event.sender !== 'string') return;
    if (
      event.sender === this.deps.botUserId ||
      personOfGhost(this.deps.naming, event.sender) !== undefined
    )
      return;
    const content = obj(event['content']);
    const status = PRESENCE[String(content['presence'])];
    if (!status) return;
    const sender = await this.deps.profiles.sender(event.sender);
    const text = typeof content['status_msg'] === 'string' ? { text: content['status_msg'] } : {};
    this.deps.emit({ kind: 'presence', sender, status, ...text });
  }
}
