/**
 * The writer behind importHistory (runtime/import.ts): one event after another, in the order
 * given, each as the live inbound path would carry it, marked imported and with its original
 * time. The core takes a batch's messages as bulk writes (one commit, and one signature per
 * author, for the batch: node.submit `bulk`); the batch's mappings are written once that commit
 * succeeded. A run killed between the two is made whole on the next run by `start()`, which maps
 * every message of the channel that came from this network by its origin (import-mappings.ts).
 * Events are taken a chunk (one batch) at a time: the source ids the chunk names are read from
 * the mapping store in one query before it is written, not one query per event. Only the open
 * chunk's events and ids are held in memory, so memory does not grow with the history.
 */
import { CoreError } from '../../core/errors.js';
import type { Intent, MessageId, UserView } from '../../core/types.js';
import { targetKeyOf } from '../../mapping/index.js';
import type {
  ExternalMessageId,
  Link,
  MessageMapping,
  MessageMappingInput,
  TargetKey,
} from '../../mapping/types.js';
import type { MentionUser } from '../format/index.js';
import { describe } from '../errors.js';
import type { InboundMessage, InboundReaction, InboundTopic, LinkTarget } from '../types.js';
import type { RuntimeContext } from './context.js';
import { networkTextToMarkdown, parseNetworkText } from './convert.js';
import type { ImportEvent, ImportOptions, ImportSummary } from './import-types.js';
import { ImportChannelError } from './import-errors.js';
import { idsNamed, lookupChunk, mapUnmapped, putMappings } from './import-mappings.js';
import { handleTopic } from './inbound-topic.js';
import { storeInboundFiles } from './media-in.js';
import { mentionIds } from './mentions-in.js';
import { ensureMember, ensureUser } from './people.js';
import { encodeMessageOrigin } from './plan.js';
import type { Resolved } from './resolve.js';

const MAX_FAILURES = 100;
const NO_PEOPLE: ReadonlyMap<string, MentionUser> = new Map();

export class HistoryWriter {
  private imported = 0;
  private skipped = 0;
  private failed = 0;
  private other = 0;
  private lastId: string | undefined;
  private readonly failures: { id: string; reason: string }[] = [];
  /** origin.externalId (`<targetKey>#<id>`) → message, for the messages of the open batch. */
  private readonly ids = new Map<string, MessageId>();
  /** `<message> <user> <emoji>` of the reactions added to the open batch's messages. */
  private readonly reacted = new Set<string>();
  private reactions: InboundReaction[] = [];
  /** External user id → profile, joined to the channel. */
  private readonly users = new Map<string, UserView>();
  private readonly keys = new Map<string, TargetKey>();
  private pending: MessageMappingInput[] = [];
  /** The events waiting to be written as the next chunk. */
  private chunk: ImportEvent[] = [];
  /** Origin → stored mapping, of the ids the chunk being written names (lookupChunk). */
  private known = new Map<string, MessageMapping>();
  private readonly batchSize: number;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
  }

  /** Maps what a killed run left unmapped, so the mapping store knows every message present. */
  async start(): Promise<void> {
    const { channel, network } = this.options;
    if (!this.ctx.node.getChannel(channel)) throw new ImportChannelError(channel);
    await mapUnmapped(this.ctx, network, channel);
  }

  /** Takes one event; the chunk is written once it holds a batch. */
  async write(item: ImportEvent): Promise<void> {
    this.chunk.push(item);
    if (this.chunk.length >= this.batchSize) await this.writeChunk();
  }

  async finish(): Promise<ImportSummary> {
    await this.writeChunk();
    return {
      ...this.counts(),
      failures: this.failures,
      ...(this.lastId !== undefined && { lastId: this.lastId }),
    };
  }

  /** Reads the chunk's ids in one query per target, writes its events in order, commits. */
  private async writeChunk(): Promise<void> {
    const chunk = this.chunk;
    this.chunk = [];
    const ids = idsNamed(chunk, (target) => this.targetKey(target));
    this.known = await lookupChunk(this.ctx, this.options.network, ids);
    for (const item of chunk) await this.one(item);
    await this.flush();
    this.known.clear();
  }

  private async one(item: ImportEvent): Promise<void> {
    const { event } = item;
    try {
      if (event.kind === 'message') await this.message(event, item.at);
      // Reactions wait for the batch's messages to commit, so they never split a batch.
      else if (event.kind === 'reaction') this.reactions.push(event);
      else if (event.kind === 'join') {
        await this.user(event.sender);
        this.other += 1;
      } else await this.topic(event);
    } catch (error) {
      // The core's refusals and the store's conflicts count against this event only.
      if (!(error instanceof CoreError) && !(error instanceof Error && 'code' in error))
        throw error;
      this.fail(event.kind === 'message' ? event.externalId : event.kind, describe(error));
    }
  }

  private counts() {
    const { imported, skipped, failed, other } = this;
    return { imported, skipped, failed, other };
  }

  private fail(id: string, reason: string): void {
    this.failed += 1;
    if (this.failures.length < MAX_FAILURES) this.failures.push({ id, reason });
    this.ctx.logger.warn(
      { network: this.options.network, id, reason },
      'history event not imported',
    );
  }

  /** The last target asked for: a source hands the same object for a whole channel. */
  private lastTarget: { target: LinkTarget; key: TargetKey } | undefined;

  private targetKey(target: LinkTarget): TargetKey {
    if (this.lastTarget?.target === target) return this.lastTarget.key;
    const key = this.targetKeyOf(target);
    this.lastTarget = { target, key };
    return key;
  }

  private targetKeyOf(target: LinkTarget): TargetKey {
    const text = JSON.stringify(target);
    let key = this.keys.get(text);
    if (!key) this.keys.set(text, (key = targetKeyOf(this.options.network, target)));
    return key;
  }

  /**
   * The message an external id names: written in the open batch, or mapped (to this channel,
   * or to any when `anyChannel`: a source id maps once, so one mapped elsewhere is present).
   * Every id an event of the chunk names was read before the chunk (writeChunk): no store call.
   */
  private find(
    targetKey: TargetKey,
    externalId: ExternalMessageId,
    anyChannel = false,
  ): MessageId | undefined {
    const origin = encodeMessageOrigin(targetKey, externalId);
    const written = this.ids.get(origin);
    if (written) return written;
    const mapped = this.known.get(origin);
    return mapped && (anyChannel || mapped.channel === this.options.channel)
      ? mapped.messageId
      : undefined;
  }

  private async user(sender: InboundMessage['sender']): Promise<UserView> {
    const cached = this.users.get(sender.externalId);
    if (cached) return cached;
    const user = await ensureUser(this.ctx, this.options.network, sender);
    const link = { channel: this.options.channel } as Link;
    await ensureMember(this.ctx, link, user.id);
    this.users.set(sender.externalId, user);
    return user;
  }

  private async message(event: InboundMessage, at: number): Promise<void> {
    const { network, channel } = this.options;
    const targetKey = this.targetKey(event.target);
    if (this.find(targetKey, event.externalId, true)) {
      this.skipped += 1;
      return;
    }
    // Known people and texts without mentions (most of a history) need no store call: no await.
    const user = this.users.get(event.sender.externalId) ?? (await this.user(event.sender));
    const extra = event.mentions ?? [];
    const parsed = parseNetworkText(event.text, this.options.markup, extra);
    const named = [...parsed.mentions, ...extra];
    const people = named.length > 0 ? await this.mentioned(named) : NO_PEOPLE;
    const mentions = mentionIds(this.ctx, parsed, people, extra);
    let text = networkTextToMarkdown(parsed, people);
    const files =
      event.attachments && event.attachments.length > 0
        ? await storeInboundFiles(this.ctx, { network, targetKey }, event.attachments)
        : undefined;
    if (files && files.lines.length > 0) text = [text, ...files.lines].filter(Boolean).join('\n');
    if (text.trim() === '' && !files?.attachments.length) {
      this.fail(event.externalId, 'empty message (no text, no file)');
      return;
    }
    const replyTo = event.replyTo && this.find(targetKey, event.replyTo);
    const threadRoot = event.threadRoot && this.find(targetKey, event.threadRoot);
    const origin = encodeMessageOrigin(targetKey, event.externalId);
    const intent: Intent = {
      kind: 'sendMessage',
      channel,
      text,
      ...(event.isEmote && { emote: true }),
      origin: { network, externalId: origin, imported: true },
      // A source clock ahead of ours is clamped: nothing is dated after it was imported.
      createdAt: Math.min(Math.max(0, Math.floor(at)), this.ctx.now()),
      ...(replyTo && { replyTo }),
      ...(threadRoot && threadRoot !== replyTo && { threadRoot }),
      ...(files && files.attachments.length > 0 && { attachments: files.attachments }),
      ...(mentions.length > 0 && { mentions }),
    };
    let created: MessageId | undefined;
    try {
      // Settles once written into the open transaction; flush() commits the batch.
      const result = await this.ctx.node.submit(user.id, intent, { bulk: true });
      created = result.created as MessageId | undefined;
    } catch (error) {
      return this.fail(event.externalId, describe(error));
    }
    if (!created) return this.fail(event.externalId, 'the core created no message');
    this.pending.push({
      network,
      targetKey,
      externalId: event.externalId,
      messageId: created,
      channel,
      direction: 'inbound',
    });
    this.imported += 1;
    this.ids.set(origin, created);
    this.lastId = event.externalId;
  }

  private async mentioned(externalIds: readonly string[]): Promise<Map<string, MentionUser>> {
    const people = new Map<string, MentionUser>();
    for (const id of new Set(externalIds)) {
      const cached = this.users.get(id);
      const identity = cached
        ? undefined
        : await this.ctx.store.identities.get(this.options.network, id);
      const user = cached ?? (identity && this.ctx.node.getUser(identity.userId));
      if (user) people.set(id, { id: user.id, name: user.username });
    }
    return people;
  }

  private async reaction(event: InboundReaction): Promise<void> {
    if (!event.added) return;
    const targetKey = this.targetKey(event.target);
    const message = this.find(targetKey, event.externalId);
    if (!message)
      return this.fail(event.externalId, `reaction ${event.emoji} to an unknown message`);
    const user = this.users.get(event.sender.externalId) ?? (await this.user(event.sender));
    // A message of this batch has only this batch's reactions: no need to build its view.
    const fresh = this.ids.has(encodeMessageOrigin(targetKey, event.externalId));
    const key = `${message} ${user.id} ${event.emoji}`;
    const present = fresh
      ? this.reacted.has(key)
      : this.ctx.node.getMessage(message)?.reactions[event.emoji]?.includes(user.id);
    if (present) return;
    await this.ctx.node.submit(
      user.id,
      { kind: 'react', message, emoji: event.emoji },
      { bulk: true },
    );
    if (fresh) this.reacted.add(key);
    this.other += 1;
  }

  /** Only when the channel has no topic: an old topic is history, not the channel's present. */
  private async topic(event: InboundTopic): Promise<void> {
    const { channel, network } = this.options;
    if (this.ctx.node.getChannel(channel)?.topic) return;
    const targetKey = this.targetKey(event.target);
    const link = { channel, network, target: event.target, targetKey } as Link;
    const found = { link, messages: new Map(), identities: new Map(), keyIssued: false };
    const resolved: Resolved = { network, link, found };
    await handleTopic(this.ctx, resolved, event);
    this.other += 1;
  }

  private async flush(): Promise<void> {
    const reactions = this.reactions;
    this.reactions = [];
    for (const event of reactions) {
      try {
        await this.reaction(event);
      } catch (error) {
        this.fail(event.externalId, describe(error));
      }
    }
    // A failed commit throws: the batch's messages are not there, so nothing may be mapped.
    await this.ctx.node.commitWrites();
    const batch = this.pending;
    this.pending = [];
    await putMappings(this.ctx, batch);
    // Mapped now: later events find these through the store.
    this.ids.clear();
    this.reacted.clear();
    const { cursorKey, network } = this.options;
    if (cursorKey !== undefined && this.lastId !== undefined) {
      await this.ctx.store.cursors.set(network, `import:${cursorKey}`, this.lastId);
    }
    this.options.onProgress?.(this.counts());
  }
}
