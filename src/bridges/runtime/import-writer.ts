/**
 * The writer behind importHistory (runtime/import.ts): one event after another, in the order
 * given, each as the live inbound path would carry it, marked imported and with its original
 * time. Mappings are written in batches after the core took the messages; a run killed between
 * the two is made whole on the next run by the channel scan of `start()`, which knows every
 * message of the channel that came from this network by its origin.
 */
import { CoreError } from '../../core/errors.js';
import type { Intent, MessageId, UserView } from '../../core/types.js';
import { targetKeyOf } from '../../mapping/index.js';
import type {
  ExternalMessageId,
  Link,
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
import { handleTopic } from './inbound-topic.js';
import { storeInboundFiles } from './media-in.js';
import { mentionIds } from './mentions-in.js';
import { ensureMember, ensureUser } from './people.js';
import { encodeMessageOrigin } from './plan.js';
import type { Resolved } from './resolve.js';

const SCAN_PAGE = 500;
const MAX_FAILURES = 100;

export class HistoryWriter {
  private imported = 0;
  private skipped = 0;
  private failed = 0;
  private other = 0;
  private lastId: string | undefined;
  private readonly failures: { id: string; reason: string }[] = [];
  /**
   * origin.externalId (`<targetKey>#<id>`) → message, for what is in the channel already, or
   * the promise of a message submitted in the batch still open.
   */
  private readonly ids = new Map<string, MessageId | Promise<MessageId | undefined>>();
  /** Submits not yet committed: one group-commit transaction takes many (node.submit). */
  private inflight: Promise<unknown>[] = [];
  private reactions: InboundReaction[] = [];
  /** External user id → profile, joined to the channel. */
  private readonly users = new Map<string, UserView>();
  private readonly keys = new Map<string, TargetKey>();
  private pending: MessageMappingInput[] = [];
  private readonly batchSize: number;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
  }

  /** Reads which messages of this network the channel holds (newest page first). */
  async start(): Promise<void> {
    const { node } = this.ctx;
    const { channel, network } = this.options;
    if (!node.getChannel(channel)) throw new ImportChannelError(channel);
    let before: MessageId | undefined;
    for (;;) {
      const page = node.listMessages(channel, {
        limit: SCAN_PAGE,
        ...(before !== undefined && { before }),
      });
      for (const m of page)
        if (m.origin?.network === network) this.ids.set(m.origin.externalId, m.id);
      if (page.length < SCAN_PAGE) break;
      before = page[0]!.id;
    }
    await Promise.resolve();
  }

  async write(item: ImportEvent): Promise<void> {
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
    if (this.inflight.length + this.reactions.length >= this.batchSize) await this.flush();
  }

  async finish(): Promise<ImportSummary> {
    await this.flush();
    return {
      ...this.counts(),
      failures: this.failures,
      ...(this.lastId !== undefined && { lastId: this.lastId }),
    };
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

  private targetKey(target: LinkTarget): TargetKey {
    const text = JSON.stringify(target);
    let key = this.keys.get(text);
    if (!key) this.keys.set(text, (key = targetKeyOf(this.options.network, target)));
    return key;
  }

  /** The message an external id names: written in this run, in the channel, or mapped. */
  private async find(
    targetKey: TargetKey,
    externalId: ExternalMessageId,
  ): Promise<MessageId | undefined> {
    const key = encodeMessageOrigin(targetKey, externalId);
    const known = this.ids.get(key);
    if (known) return await known;
    const mapped = await this.ctx.store.messages.getByExternal(
      this.options.network,
      targetKey,
      externalId,
    );
    if (mapped && mapped.channel === this.options.channel) this.ids.set(key, mapped.messageId);
    return mapped?.channel === this.options.channel ? mapped.messageId : undefined;
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
    // Mapped anywhere (even to another channel) counts as present: a source id maps once.
    const present =
      (await this.find(targetKey, event.externalId)) ??
      (await this.ctx.store.messages.getByExternal(network, targetKey, event.externalId));
    if (present) {
      this.skipped += 1;
      return;
    }
    const user = await this.user(event.sender);
    const extra = event.mentions ?? [];
    const parsed = parseNetworkText(event.text, this.options.markup, extra);
    const people = await this.mentioned([...parsed.mentions, ...extra]);
    const mentions = mentionIds(this.ctx, parsed, people, extra);
    let text = networkTextToMarkdown(parsed, people);
    if (event.isEmote) text = `_${text}_`;
    const files =
      event.attachments && event.attachments.length > 0
        ? await storeInboundFiles(this.ctx, { network, targetKey }, event.attachments)
        : undefined;
    if (files && files.lines.length > 0) text = [text, ...files.lines].filter(Boolean).join('\n');
    if (text.trim() === '' && !files?.attachments.length) {
      this.fail(event.externalId, 'empty message (no text, no file)');
      return;
    }
    const replyTo = event.replyTo && (await this.find(targetKey, event.replyTo));
    const threadRoot = event.threadRoot && (await this.find(targetKey, event.threadRoot));
    const origin = encodeMessageOrigin(targetKey, event.externalId);
    const intent: Intent = {
      kind: 'sendMessage',
      channel,
      text,
      origin: { network, externalId: origin, imported: true },
      // A source clock ahead of ours is clamped: nothing is dated after it was imported.
      createdAt: Math.min(Math.max(0, Math.floor(at)), this.ctx.now()),
      ...(replyTo && { replyTo }),
      ...(threadRoot && threadRoot !== replyTo && { threadRoot }),
      ...(files && files.attachments.length > 0 && { attachments: files.attachments }),
      ...(mentions.length > 0 && { mentions }),
    };
    // Not awaited: the core writes the message at once (in order) and commits it with the
    // others of this turn; its id is awaited only by what names it (a reply, a reaction).
    const created = this.ctx.node.submit(user.id, intent).then(
      (result) => {
        if (!result.created) {
          this.fail(event.externalId, 'the core created no message');
          return undefined;
        }
        this.pending.push({
          network,
          targetKey,
          externalId: event.externalId,
          messageId: result.created,
          channel,
          direction: 'inbound',
        });
        this.imported += 1;
        return result.created;
      },
      (error: unknown) => {
        this.fail(event.externalId, describe(error));
        return undefined;
      },
    );
    this.ids.set(origin, created);
    this.inflight.push(created);
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
    const message = await this.find(this.targetKey(event.target), event.externalId);
    if (!message)
      return this.fail(event.externalId, `reaction ${event.emoji} to an unknown message`);
    const user = await this.user(event.sender);
    if (this.ctx.node.getMessage(message)?.reactions[event.emoji]?.includes(user.id)) return;
    const submitted = this.ctx.node
      .submit(user.id, { kind: 'react', message, emoji: event.emoji })
      .then(
        () => (this.other += 1),
        (error: unknown) => this.fail(event.externalId, describe(error)),
      );
    this.inflight.push(submitted);
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
    const inflight = this.inflight;
    this.inflight = [];
    await Promise.all(inflight);
    const reactions = this.reactions;
    this.reactions = [];
    for (const event of reactions) {
      try {
        await this.reaction(event);
      } catch (error) {
        this.fail(event.externalId, describe(error));
      }
    }
    await Promise.all(this.inflight.splice(0));
    for (const [key, value] of this.ids) {
      if (value instanceof Promise) {
        const id = await value;
        if (id) this.ids.set(key, id);
        else this.ids.delete(key);
      }
    }
    const batch = this.pending;
    this.pending = [];
    for (const mapping of batch) {
      try {
        await this.ctx.store.messages.put(mapping);
      } catch (error) {
        // The message is written; its origin still finds it on the next run (start()).
        this.ctx.logger.warn(
          { network: mapping.network, id: mapping.externalId, err: describe(error) },
          'imported message not mapped',
        );
      }
    }
    const { cursorKey, network } = this.options;
    if (cursorKey !== undefined && this.lastId !== undefined) {
      await this.ctx.store.cursors.set(network, `import:${cursorKey}`, this.lastId);
    }
    this.options.onProgress?.(this.counts());
  }
}
