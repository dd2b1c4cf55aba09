/**
 * Slack events → normalized inbound events. One `Inbound` per adapter; the adapter calls its
 * handlers one at a time in delivery order (events of one channel must reach the router in
 * Slack's order) and never waits on the router before acknowledging Slack.
 *
 * Text stays mrkdwn (`capabilities.markup` is 'slack'): the router parses it, `<@U…>` mentions
 * included, so every mentioned person is announced with a profile event first. Emoji
 * shortcodes in text become Unicode here, because no other network knows Slack's names.
 */
import type {
  AdapterComponents,
  AdapterLogger,
  ExternalSender,
  ExternalUserId,
  InboundEvent,
} from '../types.js';
import { reactionFromSlack, shortcodesToUnicode } from './emoji.js';
import type { SlackMemberEvent, SlackMessage, SlackReactionEvent } from './events.js';
import type { SlackFileReader } from './file-reader.js';
import { messageId } from './ids.js';
import { presenceEvents, type SlackPresenceEvent } from './presence.js';
import { richTextToMrkdwn } from './rich-text.js';
import { senderOf, type SlackUser, type Users } from './users.js';

/** Who the adapter itself is (from `auth.test`), for loop prevention. */
export interface SelfIds {
  readonly botId: string;
  readonly botUserId: string;
}

interface Deps {
  readonly emit: (event: InboundEvent) => Promise<void>;
  readonly users: Users;
  /** Turns `files[]` into attachments the router reads with the bot token. */
  readonly files: SlackFileReader;
  readonly self: () => SelfIds;
  readonly logger: AdapterLogger;
  /** Counts an event seen and not emitted (docs/slack.md "What is not carried"). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
}

/** Message subtypes that are a person's (or another bot's) message. */
const MESSAGE_SUBTYPES = new Set([
  undefined,
  'thread_broadcast',
  'file_share',
  'me_message',
  'bot_message',
]);
/**
 * Subtypes that are not a drop although not emitted here: joins and leaves arrive again as
 * `member_joined_channel` / `member_left_channel` (carried as membership), `message_replied`
 * is thread bookkeeping of a reply already carried.
 */
const CARRIED_OTHERWISE = new Set([
  'channel_join',
  'channel_leave',
  'group_join',
  'group_leave',
  'message_replied',
]);
const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

function fileIds(message: SlackMessage): string {
  return (message.files ?? []).map((f) => f.id).join(',');
}

export class Inbound {
  private readonly announced = new Set<string>();

  constructor(private readonly deps: Deps) {}

  async message(event: SlackMessage): Promise<void> {
    const channel = event.channel;
    if (!channel) return;
    switch (event.subtype) {
      case 'message_changed':
        return this.changed(channel, event);
      case 'message_deleted':
        return this.deleted(channel, event);
      case 'channel_topic':
        if (event.user && event.topic !== undefined) {
          await this.emit({
            kind: 'topic',
            target: { channel },
            sender: await this.deps.users.sender(event.user),
            topic: event.topic,
          });
        }
        return;
      default:
        break;
    }
    if (!MESSAGE_SUBTYPES.has(event.subtype) || !event.ts) {
      if (!CARRIED_OTHERWISE.has(event.subtype ?? ''))
        this.deps.reportDrop?.('other', 'unsupported', `subtype ${event.subtype ?? 'none'}`);
      return;
    }
    const text = this.textOf(event);
    await this.announceMentions(text);
    const threadRoot =
      event.thread_ts !== undefined && event.thread_ts !== event.ts ? event.thread_ts : undefined;
    // Every file, even one without a fetchable URL: the router then carries its permalink or a
    // note rather than dropping it. A file without a caption has text ''.
    const attachments = (event.files ?? []).map((file) => this.deps.files.attachment(file));
    await this.emit({
      kind: 'message',
      target: { channel },
      sender: await this.senderOfMessage(event),
      externalId: messageId(event.ts),
      text,
      ...(event.subtype === 'me_message' && { isEmote: true }),
      ...(threadRoot !== undefined && { threadRoot: messageId(threadRoot) }),
      ...(attachments.length > 0 && { attachments }),
      ...(this.isSelf(event) && { self: true }),
    });
  }

  async reaction(event: SlackReactionEvent): Promise<void> {
    const { channel, ts } = event.item;
    if (event.item.type !== 'message' || !channel || !ts) {
      this.deps.reportDrop?.('reaction', 'unsupported', `on a ${event.item.type}`);
      return;
    }
    await this.emit({
      kind: 'reaction',
      target: { channel },
      sender: await this.deps.users.sender(event.user),
      externalId: messageId(ts),
      emoji: reactionFromSlack(event.reaction),
      added: event.type === 'reaction_added',
      ...(event.user === this.deps.self().botUserId && { self: true }),
    });
  }

  async member(event: SlackMemberEvent): Promise<void> {
    await this.emit({
      kind: event.type === 'member_joined_channel' ? 'join' : 'leave',
      target: { channel: event.channel },
      sender: await this.deps.users.sender(event.user),
      ...(event.user === this.deps.self().botUserId && { self: true }),
    });
  }

  async userChange(user: SlackUser): Promise<void> {
    if (!user?.id) return;
    this.deps.users.update(user);
    await this.emit({ kind: 'profile', sender: senderOf(user) });
  }

  /** `presence_change`, where the workspace delivers it (./presence.ts). */
  async presence(event: SlackPresenceEvent): Promise<void> {
    const bot = this.deps.self().botUserId;
    const sender = (id: string) => this.deps.users.sender(id);
    for (const e of await presenceEvents(event, sender, bot)) await this.emit(e);
  }

  private async changed(channel: string, event: SlackMessage): Promise<void> {
    const message = event.message;
    if (!message?.ts) return;
    const text = this.textOf(message);
    // The edit carries the text; files added or removed by it are not carried (counted).
    const previous = event.previous_message;
    if (previous && fileIds(previous) !== fileIds(message))
      this.deps.reportDrop?.('edit', 'unsupported', 'attachments changed');
    // Unfurls and thread bookkeeping also arrive as message_changed, with the text unchanged.
    if (previous && this.textOf(previous) === text) return;
    await this.announceMentions(text);
    await this.emit({
      kind: 'edit',
      target: { channel },
      sender: await this.senderOfMessage(message),
      externalId: messageId(message.ts),
      text,
      ...(this.isSelf(message) && { self: true }),
    });
  }

  private async deleted(channel: string, event: SlackMessage): Promise<void> {
    if (!event.deleted_ts) return;
    const previous = event.previous_message;
    await this.emit({
      kind: 'delete',
      target: { channel },
      // Slack omits the deleted message when it is old; the router then redacts as the
      // person the message maps to.
      ...(previous && { sender: await this.senderOfMessage(previous) }),
      externalId: messageId(event.deleted_ts),
      ...(previous && this.isSelf(previous) && { self: true }),
    });
  }

  /** Rich-text blocks when the client sent them (they are what the user typed), else `text`. */
  private textOf(message: SlackMessage): string {
    const fromBlocks = message.blocks ? richTextToMrkdwn(message.blocks) : undefined;
    return shortcodesToUnicode(fromBlocks ?? message.text ?? '');
  }

  private isSelf(message: SlackMessage): boolean {
    const self = this.deps.self();
    return (
      (message.bot_id !== undefined && message.bot_id === self.botId) ||
      (message.user !== undefined && message.user === self.botUserId)
    );
  }

  private async senderOfMessage(message: SlackMessage): Promise<ExternalSender> {
    if (message.user && !(message.subtype === 'bot_message' && message.username)) {
      return this.deps.users.sender(message.user);
    }
    // Another integration's bot_message: its per-message name and icon are all there is.
    const id = message.bot_id ?? message.user ?? 'unknown';
    const icon = message.icons?.['image_72'] ?? message.bot_profile?.icons?.['image_72'];
    return {
      externalId: id as ExternalUserId,
      displayName: message.username ?? message.bot_profile?.name ?? id,
      ...(icon && { avatarUrl: icon }),
    };
  }

  /** Profiles of the people a text mentions, once each, so the router can name them. */
  private async announceMentions(text: string): Promise<void> {
    for (const [, id] of text.matchAll(MENTION)) {
      if (!id || this.announced.has(id)) continue;
      const user = await this.deps.users.get(id);
      if (!user) continue;
      this.announced.add(id);
      await this.emit({ kind: 'profile', sender: senderOf(user) });
    }
  }

  private async emit(event: InboundEvent): Promise<void> {
    // The router resolves once the event is handled; the adapter only keeps emit order.
    void this.deps.emit(event).catch((error: unknown) => {
      this.deps.logger.warn({ err: String(error), kind: event.kind }, 'slack: emit failed');
    });
  }
}
