/**
 * The writer behind importHistory (runtime/import.ts): one event after another, in the order
 * given, each as the live inbound path would carry it, marked imported and with its original
 * time. The core takes a batch's messages as bulk writes (one commit, and one signature per
 * author, for the batch: node.submit `bulk`); the batch's mappings are written once that commit
 * succeeded. A run killed between the two is made whole on the next run by `start()`, which maps
 * every message of the channel that came from this network by its origin (import-mappings.ts).
 * Events are taken a chunk (one batch) at a time: the source ids the chunk names are read from
 * the mapping store in one query before it is written, not one query per event (import-ids.ts).
 * Only the open chunk's events and ids are held in memory, so memory does not grow with the
 * history. Senders and mentions: import-people.ts; counts and failures: import-tally.ts.
 */
import { CoreError } from '../../core/errors.js';
import type { MessageId } from '../../core/types.js';
import type { Link, MessageMappingInput } from '../../mapping/types.js';
import { describe } from '../errors.js';
import type { InboundMessage, InboundReaction, InboundTopic } from '../types.js';
import type { RuntimeContext } from './context.js';
import { ImportChannelError } from './import-errors.js';
import { ImportIds } from './import-ids.js';
import { importedMessage, type MessageSources } from './import-message.js';
import { mapUnmapped, putMappings } from './import-mappings.js';
import { ImportPeople } from './import-people.js';
import { ImportTally } from './import-tally.js';
import type { ImportEvent, ImportOptions, ImportSummary } from './import-types.js';
import { handleTopic } from './inbound-topic.js';
import type { Resolved } from './resolve.js';

export class HistoryWriter {
  private readonly tally: ImportTally;
  private readonly ids: ImportIds;
  private readonly people: ImportPeople;
  /** What a message's conversion reads (import-message.ts). */
  private readonly sources: MessageSources;
  /** `<message> <user> <emoji>` of the reactions added to the open batch's messages. */
  private readonly reacted = new Set<string>();
  private reactions: InboundReaction[] = [];
  private pending: MessageMappingInput[] = [];
  /** The events waiting to be written as the next chunk. */
  private chunk: ImportEvent[] = [];
  private readonly batchSize: number;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
    this.tally = new ImportTally(ctx.logger, options.network);
    this.ids = new ImportIds(options.network, options.channel);
    this.people = new ImportPeople(ctx, options.network, options.channel);
    this.sources = { ctx, options, people: this.people, ids: this.ids };
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
    return this.tally.summary();
  }

  /** Reads the chunk's ids in one query per target, writes its events in order, commits. */
  private async writeChunk(): Promise<void> {
    const chunk = this.chunk;
    this.chunk = [];
    await this.ids.load(this.ctx, chunk);
    for (const item of chunk) await this.one(item);
    await this.flush();
    this.ids.unload();
  }

  private async one(item: ImportEvent): Promise<void> {
    const { event } = item;
    try {
      if (event.kind === 'message') await this.message(event, item.at);
      // Reactions wait for the batch's messages to commit, so they never split a batch.
      else if (event.kind === 'reaction') this.reactions.push(event);
      else if (event.kind === 'join') {
        await this.people.user(event.sender);
        this.tally.other += 1;
      } else await this.topic(event);
    } catch (error) {
      // The core's refusals and the store's conflicts count against this event only.
      if (!(error instanceof CoreError) && !(error instanceof Error && 'code' in error))
        throw error;
      this.tally.fail(event.kind === 'message' ? event.externalId : event.kind, describe(error));
    }
  }

  private async message(event: InboundMessage, at: number): Promise<void> {
    const { network, channel } = this.options;
    const targetKey = this.ids.targetKey(event.target);
    if (this.ids.find(targetKey, event.externalId, true)) {
      this.tally.skipped += 1;
      return;
    }
    // A sender seen before (most of a history) needs no store call.
    const user =
      this.people.known(event.sender.externalId) ?? (await this.people.user(event.sender));
    const intent = await importedMessage(this.sources, targetKey, event, at);
    if (!intent) return this.tally.fail(event.externalId, 'empty message (no text, no file)');
    let created: MessageId | undefined;
    try {
      // Settles once written into the open transaction; flush() commits the batch.
      const result = await this.ctx.node.submit(user.id, intent, { bulk: true });
      created = result.created as MessageId | undefined;
    } catch (error) {
      return this.tally.fail(event.externalId, describe(error));
    }
    if (!created) return this.tally.fail(event.externalId, 'the core created no message');
    const { externalId } = event;
    this.pending.push({
      network,
      targetKey,
      externalId,
      messageId: created,
      channel,
      direction: 'inbound',
    });
    this.tally.imported += 1;
    this.ids.wrote(targetKey, externalId, created);
    this.tally.lastId = externalId;
  }

  private async reaction(event: InboundReaction): Promise<void> {
    if (!event.added) return;
    const targetKey = this.ids.targetKey(event.target);
    const message = this.ids.find(targetKey, event.externalId);
    if (!message)
      return this.tally.fail(event.externalId, `reaction ${event.emoji} to an unknown message`);
    const user =
      this.people.known(event.sender.externalId) ?? (await this.people.user(event.sender));
    // A message of this batch has only this batch's reactions: no need to build its view.
    const fresh = this.ids.inBatch(targetKey, event.externalId);
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
    this.tally.other += 1;
  }

  /** Only when the channel has no topic: an old topic is history, not the channel's present. */
  private async topic(event: InboundTopic): Promise<void> {
    const { channel, network } = this.options;
    if (this.ctx.node.getChannel(channel)?.topic) return;
    const targetKey = this.ids.targetKey(event.target);
    const link = { channel, network, target: event.target, targetKey } as Link;
    const found = { link, messages: new Map(), identities: new Map(), keyIssued: false };
    const resolved: Resolved = { network, link, found };
    await handleTopic(this.ctx, resolved, event);
    this.tally.other += 1;
  }

  private async flush(): Promise<void> {
    const reactions = this.reactions;
    this.reactions = [];
    for (const event of reactions) {
      try {
        await this.reaction(event);
      } catch (error) {
        this.tally.fail(event.externalId, describe(error));
      }
    }
    // A failed commit throws: the batch's messages are not there, so nothing may be mapped.
    await this.ctx.node.commitWrites();
    const batch = this.pending;
    this.pending = [];
    await putMappings(this.ctx, batch);
    // Mapped now: later events find these through the store.
    this.ids.committed();
    this.reacted.clear();
    const { cursorKey, network } = this.options;
    if (cursorKey !== undefined && this.tally.lastId !== undefined) {
      await this.ctx.store.cursors.set(network, `import:${cursorKey}`, this.tally.lastId);
    }
    this.options.onProgress?.(this.tally.counts());
  }
}
