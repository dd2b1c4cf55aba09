/** The types of the history import API (runtime/import.ts). */
import type { ChannelId } from '../../core/types.js';
import type { NetworkName } from '../../mapping/types.js';
import type { Markup } from '../format/index.js';
import type { InboundJoin, InboundMessage, InboundReaction, InboundTopic } from '../types.js';

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
