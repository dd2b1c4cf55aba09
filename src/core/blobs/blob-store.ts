/**
 * The node's blob store (`node.blobs`): files of messages, content-addressed by sha256, kept
 * beside the log and deleted with the messages that reference them. A blob whose last live
 * reference went (redaction, expiry, retention) loses its bytes once that deletion has
 * committed; an upload no message ever referenced is removed after 24 hours by the sweeper.
 * A blob of an encrypted channel is stored sealed (src/core/e2ee/blob-crypt.ts): `open`, `fetch`
 * and `describe` give its plaintext face where this node holds its key (a member), the stored
 * ciphertext otherwise; `openStored` always gives what is stored (what peers are served).
 */
import { BlobHashMismatchError, ValidationError } from '../errors.js';
import type { CoreLogger } from '../options.js';
import type { Db, GroupCommit } from '../store/database.js';
import type {
  BlobHash,
  BlobInfo,
  BlobRemoteSource,
  BlobStore,
  ChannelId,
  UserId,
} from '../types.js';
import type { BlobFiles } from './blob-files.js';
import { isBlobHash } from './blob-hash.js';
import type { BlobRow, BlobRows } from './blob-rows.js';
import { openedBlob } from '../e2ee/blob-crypt.js';
import type { SealedFile } from '../e2ee/sealed-files.js';
import { imageSize } from './image-size.js';
import { cleanMimeType } from './mime.js';

/** How long an upload may wait for a message that references it. */
export const UNCLAIMED_UPLOAD_MS = 24 * 3600 * 1000;

type Readable = { readonly size: number; stream(): AsyncIterable<Uint8Array> };

export interface BlobStoreDeps {
  readonly db: Db;
  readonly commit: GroupCommit;
  readonly files: BlobFiles;
  readonly rows: BlobRows;
  readonly now: () => number;
  readonly logger: CoreLogger;
  /** Largest blob fetched from peers (bytes). */
  readonly maxBytes: number;
}

export class CoreBlobStore implements BlobStore {
  private remote: BlobRemoteSource | undefined;
  /** Placing a file and deleting one run one at a time: a put never loses to a deletion. */
  private lock: Promise<unknown> = Promise.resolve();
  private collectScheduled = false;
  private readonly fetching = new Map<BlobHash, Promise<Readable | undefined>>();
  /** The sealed entries of messages this node can open that name a blob (e2ee/file-sealer.ts). */
  private sealedFiles: (hash: BlobHash) => readonly SealedFile[] = () => [];

  constructor(private readonly deps: BlobStoreDeps) {
    deps.rows.onOrphans = () => this.collectSoon();
  }

  async put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: {
      maxBytes?: number;
      expectedHash?: BlobHash;
      mimeType?: string;
      uploader?: UserId;
      name?: string;
    } = {},
  ): Promise<BlobInfo> {
    const { files, rows, commit, now } = this.deps;
    const expected = options.expectedHash;
    if (expected !== undefined && !isBlobHash(expected)) {
      throw new ValidationError('hash', 'a blob hash is 64 lowercase hex digits (sha256)');
    }
    const written = await files.write(source, options.maxBytes);
    if (expected !== undefined && written.hash !== expected) {
      await files.discard(written);
      throw new BlobHashMismatchError(expected, written.hash);
    }
    const image = imageSize(written.head);
    // "Some bytes" says less than the header of an image does.
    const declared = cleanMimeType(options.mimeType);
    const mimeType =
      declared === undefined || declared === 'application/octet-stream'
        ? (image?.mimeType ?? declared)
        : declared;
    const info: BlobInfo = {
      hash: written.hash,
      size: written.size,
      ...(mimeType !== undefined && { mimeType }),
      ...(image && { width: image.width, height: image.height }),
    };
    await this.exclusive(async () => {
      await files.place(written);
      await commit.run(() => rows.record(info, now(), options.uploader, options.name)).committed;
    });
    return this.describe(info.hash) ?? info;
  }

  has(hash: BlobHash): boolean {
    return isBlobHash(hash) && this.deps.rows.get(hash) !== undefined;
  }

  describe(hash: BlobHash): BlobInfo | undefined {
    const row = isBlobHash(hash) ? this.deps.rows.get(hash) : undefined;
    if (!row) return undefined;
    const file = this.sealedFiles(hash)[0];
    if (!file) return toInfo(row);
    // A member sees the file as sent: its size, type and dimensions (sealed in the message).
    return {
      hash,
      size: file.s,
      mimeType: file.m ?? 'application/octet-stream',
      ...(row.name !== null && { name: row.name }),
      ...(file.w !== undefined && { width: file.w }),
      ...(file.h !== undefined && { height: file.h }),
    };
  }

  uploadedBy(hash: BlobHash, user: UserId): boolean {
    return isBlobHash(hash) && this.deps.rows.uploadedBy(hash, user);
  }

  open(hash: BlobHash): Readable | undefined {
    const stored = this.openStored(hash);
    if (!stored) return undefined;
    const files = this.sealedFiles(hash);
    return files.length === 0
      ? stored
      : openedBlob(
          stored,
          files.map((f) => f.k),
        );
  }

  openStored(hash: BlobHash): Readable | undefined {
    if (!this.has(hash)) return undefined;
    const size = this.deps.files.sizeOf(hash);
    if (size === undefined) return undefined;
    return { size, stream: () => this.deps.files.stream(hash) };
  }

  /** The node registers how to find the keys of sealed blobs (members' messages). */
  setSealedFiles(lookup: (hash: BlobHash) => readonly SealedFile[]): void {
    this.sealedFiles = lookup;
  }

  async fetch(hash: BlobHash, options: { signal?: AbortSignal } = {}) {
    const local = this.open(hash);
    if (local || !this.remote || !isBlobHash(hash)) return local;
    // Two readers of one missing blob wait for the same transfer.
    let pending = this.fetching.get(hash);
    if (!pending) {
      pending = this.fetchRemote(this.remote, hash, options.signal).finally(() =>
        this.fetching.delete(hash),
      );
      this.fetching.set(hash, pending);
    }
    return pending;
  }

  channelsReferencing(hash: BlobHash): ChannelId[] {
    return isBlobHash(hash) ? this.deps.rows.channelsReferencing(hash, this.deps.now()) : [];
  }

  setRemoteSource(source: BlobRemoteSource | undefined): void {
    this.remote = source;
  }

  /** Removes uploads that no message claimed within UNCLAIMED_UPLOAD_MS (the sweeper calls it). */
  async sweep(): Promise<number> {
    const cutoff = this.deps.now() - UNCLAIMED_UPLOAD_MS;
    const stale = this.deps.rows.stalePending(cutoff);
    if (stale.length === 0) return 0;
    return this.remove(stale, (row) => row.pending_since !== null && row.pending_since <= cutoff);
  }

  /**
   * At start: deletes the bytes of blobs whose last reference went in a run that stopped before
   * it could delete them (the deletion follows the commit, so a crash can fall in between).
   */
  async recover(): Promise<number> {
    const stale = this.deps.rows.unreferenced();
    return stale.length === 0 ? 0 : this.remove(stale, (row) => row.pending_since === null);
  }

  /** Deletes the bytes of blobs that lost their last reference in a committed write. */
  async collect(): Promise<number> {
    const { db } = this.deps;
    if (!db.open) return 0;
    // Read only committed state: a reference dropped in an open transaction may yet roll back.
    if (db.inTransaction) {
      this.collectSoon(10);
      return 0;
    }
    const orphans = this.deps.rows.takeOrphans();
    if (orphans.length === 0) return 0;
    // An upload waiting for its message keeps its bytes (the sweeper decides about it).
    return this.remove(orphans, (row) => row.pending_since === null);
  }

  private collectSoon(delayMs = 0): void {
    if (this.collectScheduled) return;
    this.collectScheduled = true;
    const run = () => {
      this.collectScheduled = false;
      this.collect().catch((error: unknown) =>
        this.deps.logger.error({ err: error }, 'blobs: deleting unreferenced files failed'),
      );
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Deletes rows then files of the hashes still unreferenced and accepted by `when`. */
  private remove(hashes: readonly BlobHash[], when: (row: BlobRow) => boolean): Promise<number> {
    const { rows, files, commit, db } = this.deps;
    return this.exclusive(async () => {
      if (!db.open) return 0;
      const { value: doomed, committed } = commit.run(() => {
        const out: BlobHash[] = [];
        for (const hash of hashes) {
          const row = rows.get(hash);
          if (row && !rows.referenced(hash) && when(row)) {
            rows.remove(hash);
            out.push(hash);
          }
        }
        return out;
      });
      await committed;
      for (const hash of doomed) files.remove(hash);
      return doomed.length;
    });
  }

  private async fetchRemote(
    remote: BlobRemoteSource,
    hash: BlobHash,
    signal: AbortSignal | undefined,
  ): Promise<Readable | undefined> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const source = await remote(hash, controller.signal);
      if (!source) return undefined;
      await this.put(source, { expectedHash: hash, maxBytes: this.deps.maxBytes });
      return this.open(hash);
    } catch (error) {
      // A peer that sent wrong or too many bytes, or gave up: the reader gets "not found".
      this.deps.logger.warn(
        { hash, err: (error as Error).message },
        'blobs: fetch from peers failed',
      );
      return undefined;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function toInfo(row: BlobRow): BlobInfo {
  return {
    hash: row.hash,
    size: row.size,
    ...(row.mime_type !== null && { mimeType: row.mime_type }),
    ...(row.name !== null && { name: row.name }),
    ...(row.width !== null && { width: row.width }),
    ...(row.height !== null && { height: row.height }),
  };
}
