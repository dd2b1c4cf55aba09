/**
 * History import: events a network kept (a Slack export, Discord or Matrix history) written into
 * a Multichat channel as imported history. Each event goes the way a live one would (the same
 * bridged profiles, membership, text conversion, files stored as blobs, the message mapping),
 * with two differences: a message is marked `origin.imported` and keeps its original time as
 * createdAt (docs/protocol.md, "Imported history"), and the fan-out never re-posts it.
 *
 * Idempotent: a source id already in the mapping store, or already the origin of an imported
 * message of the channel (a run killed between the core write and the mapping), is skipped.
 * Events go in the order given, which must be the original order (oldest first).
 */
import type { ChannelId } from '../../core/types.js';
import type { NetworkName } from '../../mapping/types.js';
import type { Markup } from '../format/index.js';
import type { InboundJoin, InboundMessage, InboundReaction, InboundTopic } from '../types.js';
import type { RuntimeContext } from './context.js';
import { HistoryWriter } from './import-writer.js';

/** One event of history: an inbound event as an adapter would emit it, with its original time. */
export interface ImportEvent {
  /** Original time, ms since the epoch (the message's createdAt). */
  readonly at: number;
  /**
   * The event. A message's `externalId` (and a reaction's target id) are the source ids mapped
   * in the mapping store; `target` is the place on the network it comes from. Reactions are
   * additions only; a join makes the person a member; a topic is applied only when the channel
   * has none (older topics are history, not the channel's present).
   */
  readonly event: InboundMessage | InboundReaction | InboundJoin | InboundTopic;
}

export interface ImportOptions {
  readonly network: NetworkName;
  /** The Multichat channel the history goes into. */
  readonly channel: ChannelId;
  /** Markup of the events' text (the network adapter's `capabilities.markup`). */
  readonly markup: Markup;
  /**
   * Stored in the mapping store's cursors (network, `import:<cursorKey>`) after each batch: the
   * source id of the last message written, for sources that resume from an id (Discord `before`,
   * Matrix tokens). Optional: idempotency does not depend on it.
   */
  readonly cursorKey?: string;
  /** Messages written before the mapping store is brought up to date (and progress reported). */
  readonly batchSize?: number;
  /** Called after each batch and at the end. */
  readonly onProgress?: (counts: ImportCounts) => void;
}

export interface ImportCounts {
  /** Messages written. */
  readonly imported: number;
  /** Messages already present (mapped or imported before). */
  readonly skipped: number;
  /** Events the core or the store refused. */
  readonly failed: number;
  /** Reactions, joins and topics carried (not counted as messages). */
  readonly other: number;
}

export interface ImportSummary extends ImportCounts {
  /** The first 100 failures: the source id (or kind) and why. */
  readonly failures: readonly { readonly id: string; readonly reason: string }[];
  /** The source id of the last message written, if any. */
  readonly lastId?: string;
}

/**
 * Writes `events` (oldest first) into `options.channel`. `ctx` is the running bridge runtime's
 * context, or one built by `importContext` for an offline import (gateway stopped).
 */
export async function importHistory(
  ctx: RuntimeContext,
  events: AsyncIterable<ImportEvent> | Iterable<ImportEvent>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const writer = new HistoryWriter(ctx, options);
  await writer.start();
  for await (const item of events) await writer.write(item);
  return writer.finish();
}

export { importContext, type ImportContextDeps } from './import-context.js';
