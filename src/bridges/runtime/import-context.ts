/**
 * A runtime context for an offline import (`multichat import …` against a stopped gateway's data
 * dir): the node and the mapping store, no adapters, so nothing is fanned out or delivered while
 * the history is written. Files are fetched through the media fetcher of the events themselves
 * (each InboundAttachment's `open()`), bounded by `mediaMaxBytes`.
 */
import type { MultichatNode } from '../../core/types.js';
import type { MappingStore } from '../../mapping/types.js';
import type { AdapterLogger } from '../types.js';
import { defaultBackoff } from './backoff.js';
import type { RuntimeContext } from './context.js';
import { DropStats } from './dropped.js';
import { DEFAULT_MAX_HELD_INBOUND } from './inbound-hold.js';
import { MediaStats } from './media-stats.js';
import { InboundOrigins } from './origins.js';

export interface ImportContextDeps {
  readonly node: MultichatNode;
  readonly store: MappingStore;
  readonly logger: AdapterLogger;
  readonly now?: () => number;
  /** Largest file stored as a blob (media.maxBytes). Default 25 MiB. */
  readonly mediaMaxBytes?: number;
}

export function importContext(deps: ImportContextDeps): RuntimeContext {
  return {
    node: deps.node,
    store: deps.store,
    adapters: new Map(),
    logger: deps.logger,
    now: deps.now ?? Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    origins: new InboundOrigins(),
    options: {
      maxAttempts: 8,
      backoff: defaultBackoff,
      pollIntervalMs: 1_000,
      sendTimeoutMs: 60_000,
      keepSentMs: 7 * 24 * 3_600_000,
      random: Math.random,
      mediaMaxBytes: deps.mediaMaxBytes ?? 25 * 1024 * 1024,
      blobWaitMs: 15_000,
      mediaLinks: { urlFor: (hash) => `/api/v1/media/${hash}` },
      deleteOriginals: false,
      maxHeldInbound: DEFAULT_MAX_HELD_INBOUND,
    },
    media: new MediaStats(),
    drops: new DropStats(deps.logger),
  };
}
