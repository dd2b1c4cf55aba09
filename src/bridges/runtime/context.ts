/**
 * What the runtime's parts share: the node, the store, the running adapters with their rate
 * limiters, the clock. Built once by `createBridgeRuntime`; parts take only this.
 */
import type { MultichatNode } from '../../core/types.js';
import type { MappingStore } from '../../mapping/types.js';
import type { AdapterLogger, BridgeAdapter } from '../types.js';
import type { BackoffOptions } from './backoff.js';
import type { DropStats } from './dropped.js';
import type { InboundHold } from './inbound-hold.js';
import type { MediaStats } from './media-stats.js';
import type { InboundOrigins } from './origins.js';
import type { RateLimiter, Sleep } from './rate-limiter.js';
import type { UnmappedTail } from './unmapped-tail.js';

export interface AdapterSlot {
  readonly adapter: BridgeAdapter;
  readonly limiter: RateLimiter;
}

export interface RuntimeOptions {
  /** Failed attempts after which a delivery is dead-lettered. Default 8. */
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  /** How often the delivery worker looks for due retries when nothing woke it. Default 1 s. */
  readonly pollIntervalMs: number;
  /** A send that has not settled after this long counts as a transient failure. Default 60 s. */
  readonly sendTimeoutMs: number;
  /** Sent deliveries are pruned from the outbox after this long (message maps stay). 7 days. */
  readonly keepSentMs: number;
  /** Random source for backoff jitter. */
  readonly random: () => number;
  /** Largest inbound file stored as a blob (media.maxBytes). Default 25 MiB. */
  readonly mediaMaxBytes: number;
  /** How long an outbound file waits for its blob from peers when this node lacks it. 15 s. */
  readonly blobWaitMs: number;
  /**
   * Links to this gateway's media endpoint, for networks that get files as links (IRC) and as
   * the fallback of a failed upload. The gateway passes its signer; the default is a relative
   * `/api/v1/media/<hash>` path, which only suits tests.
   */
  readonly mediaLinks: MediaLinks;
  /**
   * `retention.deleteOriginals`: when a message expires, also delete the original on the
   * network it came from. Default false: expiry deletes only the copies the gateway posted.
   */
  readonly deleteOriginals: boolean;
  /**
   * `store.maxHeldInbound`: inbound events held in memory (waiting for the mapping store or
   * the core); past it new ones are shed, counted (runtime/inbound-hold.ts). Default 10,000.
   */
  readonly maxHeldInbound: number;
}

export interface MediaLinks {
  /** A link that serves the blob `hash` (signed and expiring when the gateway signs). */
  urlFor(hash: string, name: string): string;
}

export interface RuntimeContext {
  readonly node: MultichatNode;
  readonly store: MappingStore;
  /** Running adapters by network name. */
  readonly adapters: ReadonlyMap<string, AdapterSlot>;
  readonly logger: AdapterLogger;
  readonly now: () => number;
  readonly sleep: Sleep;
  readonly origins: InboundOrigins;
  readonly options: RuntimeOptions;
  /** Files not carried as files, counted (the gateway's metrics read them). */
  readonly media: MediaStats;
  /** Events not carried, counted and logged (runtime/dropped.ts; the gateway's metrics). */
  readonly drops: DropStats;
  /**
   * True once the runtime is stopping: work waiting for an unavailable mapping store gives up
   * then (runtime/store-wait.ts) instead of holding the stop. Absent: never stopping.
   */
  readonly stopping?: () => boolean;
  /**
   * Inbound messages the core stored whose mapping a crash kept from being written, found when
   * backfill reads them again (runtime/unmapped-tail.ts). Absent: not looked for (imports).
   */
  readonly unmappedTail?: UnmappedTail;
  /** The bound on inbound events held in memory (runtime/inbound-hold.ts). Absent: none. */
  readonly hold?: InboundHold;
}
