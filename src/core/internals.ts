/**
 * The node's internals, shared with ingest.ts, expiry.ts, publish.ts and queries.ts. Declared
 * here rather than in node.ts so those modules do not import node.ts, which imports them.
 */
import type { BatchSigner } from './batch-signer.js';
import type { BlobRows } from './blobs/blob-rows.js';
import type { HybridClock } from './hlc.js';
import type { CoreLimits, CoreLogger } from './options.js';
import type { CachedStateView } from './state/view.js';
import type { Views } from './state/views.js';
import type { E2ee } from './e2ee/e2ee.js';
import type { Db, GroupCommit } from './store/database.js';
import type { LogStore } from './store/log-store.js';
import type { Projections } from './store/projections.js';
import type { ResourceStore } from './store/state-store.js';

export interface NodeInternals {
  readonly db: Db;
  readonly commit: GroupCommit;
  /** Signs the newest local entries of each group-commit batch, right before it commits. */
  readonly signer: BatchSigner;
  readonly log: LogStore;
  readonly resources: ResourceStore;
  readonly projections: Projections;
  /** Blob metadata and the message references that keep blob bytes alive. */
  readonly blobRows: BlobRows;
  readonly state: CachedStateView;
  readonly views: Views;
  readonly clock: HybridClock;
  readonly limits: CoreLimits;
  readonly logger: CoreLogger;
  readonly now: () => number;
  readonly counters: { transactions: Map<string, number>; rejections: Map<string, number> };
  /** Encrypted channels: sealing, opening, and the checks of peers' sealed content. */
  readonly e2ee: E2ee;
}
