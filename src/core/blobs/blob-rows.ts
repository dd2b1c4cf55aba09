/**
 * The blob tables of the core database (migration 5): which blobs this node holds, who uploaded
 * them, and which live messages reference them. Writes run inside the node's group commit;
 * `dropReferences` notes the hashes that may have lost their last reference, and the blob store
 * deletes their files once that commit is durable (blob-store.ts).
 */
import type { Attachment, BlobHash, ChannelId, MessageId, UserId } from '../types.js';
import type { Db } from '../store/database.js';
import { isBlobHash } from './blob-hash.js';
import { cleanMimeType } from './mime.js';

export interface BlobRow {
  hash: BlobHash;
  /** The name of the latest upload, if any. */
  name: string | null;
  size: number;
  mime_type: string | null;
  width: number | null;
  height: number | null;
  pending_since: number | null;
}

export class BlobRows {
  private readonly stmt;
  /** Hashes whose last reference may have gone in the open transaction. */
  private readonly orphans = new Set<BlobHash>();
  /** Called when a message lost references (the store schedules a collection). */
  onOrphans: () => void = () => undefined;

  constructor(db: Db) {
    this.stmt = {
      blob: db.prepare(
        `SELECT hash, size, width, height, pending_since,
           COALESCE(mime_type, (SELECT r.mime_type FROM blob_refs r
             WHERE r.hash = b.hash AND r.mime_type IS NOT NULL LIMIT 1)) AS mime_type,
           COALESCE((SELECT name FROM blob_uploads u WHERE u.hash = b.hash AND name IS NOT NULL
             ORDER BY at DESC LIMIT 1), (SELECT r.name FROM blob_refs r
             WHERE r.hash = b.hash AND r.name IS NOT NULL LIMIT 1)) AS name
         FROM blobs b WHERE hash = ?`,
      ),
      // An upload, or a blob no live message references, waits for its message
      // (pending_since = now): deleting another message with the same bytes must not take the
      // file from under it. Bytes fetched for a message that references them do not wait.
      upsert: db.prepare(
        `INSERT INTO blobs (hash, size, mime_type, width, height, stored_at, pending_since)
         VALUES (@hash, @size, @mime, @width, @height, @now,
           CASE WHEN @upload = 0 AND EXISTS (SELECT 1 FROM blob_refs WHERE hash = @hash)
             THEN NULL ELSE @now END)
         ON CONFLICT (hash) DO UPDATE SET
           mime_type = COALESCE(blobs.mime_type, excluded.mime_type),
           pending_since = excluded.pending_since`,
      ),
      addUpload: db.prepare(
        `INSERT INTO blob_uploads (hash, user_id, name, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (hash, user_id) DO UPDATE SET name = excluded.name, at = excluded.at`,
      ),
      upload: db.prepare('SELECT 1 FROM blob_uploads WHERE hash = ? AND user_id = ?').pluck(),
      addRef: db.prepare(
        `INSERT OR IGNORE INTO blob_refs (hash, message, channel, expires_at, mime_type, name)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      claim: db.prepare('UPDATE blobs SET pending_since = NULL WHERE hash = ?'),
      dropRefs: db.prepare('DELETE FROM blob_refs WHERE message = ? RETURNING hash').pluck(),
      referenced: db.prepare('SELECT 1 FROM blob_refs WHERE hash = ? LIMIT 1').pluck(),
      messages: db.prepare('SELECT message FROM blob_refs WHERE hash = ? LIMIT 50').pluck(),
      channels: db
        .prepare(
          `SELECT DISTINCT channel FROM blob_refs
           WHERE hash = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY channel`,
        )
        .pluck(),
      stalePending: db
        .prepare('SELECT hash FROM blobs WHERE pending_since IS NOT NULL AND pending_since <= ?')
        .pluck(),
      unreferenced: db
        .prepare(
          `SELECT hash FROM blobs b WHERE pending_since IS NULL
           AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash = b.hash)`,
        )
        .pluck(),
      remove: db.prepare('DELETE FROM blobs WHERE hash = ?'),
      removeUploads: db.prepare('DELETE FROM blob_uploads WHERE hash = ?'),
    };
  }

  get(hash: BlobHash): BlobRow | undefined {
    return this.stmt.blob.get(hash) as BlobRow | undefined;
  }

  record(
    info: { hash: BlobHash; size: number; mimeType?: string; width?: number; height?: number },
    now: number,
    uploader?: UserId,
    name?: string,
  ): void {
    this.stmt.upsert.run({
      hash: info.hash,
      size: info.size,
      mime: info.mimeType ?? null,
      width: info.width ?? null,
      height: info.height ?? null,
      now,
      upload: uploader === undefined ? 0 : 1,
    });
    if (uploader !== undefined) this.stmt.addUpload.run(info.hash, uploader, name ?? null, now);
  }

  uploadedBy(hash: BlobHash, user: UserId): boolean {
    return this.stmt.upload.get(hash, user) !== undefined;
  }

  /** A new message references its attachments' blobs (url-only attachments have none). */
  addReferences(
    message: MessageId,
    channel: ChannelId,
    expiresAt: number | undefined,
    attachments: readonly Attachment[] | undefined,
  ): void {
    for (const a of attachments ?? []) {
      if (!isBlobHash(a.hash)) continue;
      this.stmt.addRef.run(
        a.hash,
        message,
        channel,
        expiresAt ?? null,
        cleanMimeType(a.mimeType) ?? null,
        a.name,
      );
      this.stmt.claim.run(a.hash);
    }
  }

  /** A message was deleted (redaction, expiry, retention): its references go with it. */
  dropReferences(message: MessageId): void {
    const hashes = this.stmt.dropRefs.all(message) as BlobHash[];
    if (hashes.length === 0) return;
    for (const hash of hashes) this.orphans.add(hash);
    this.onOrphans();
  }

  /** Takes the noted hashes (the store checks each again after the commit). */
  takeOrphans(): BlobHash[] {
    const out = [...this.orphans];
    this.orphans.clear();
    return out;
  }

  referenced(hash: BlobHash): boolean {
    return this.stmt.referenced.get(hash) !== undefined;
  }

  /** Messages that reference `hash` (at most 50: a file shared more often is read by the first). */
  messagesReferencing(hash: BlobHash): MessageId[] {
    return this.stmt.messages.all(hash) as MessageId[];
  }

  channelsReferencing(hash: BlobHash, now: number): ChannelId[] {
    return this.stmt.channels.all(hash, now) as ChannelId[];
  }

  /** Uploads no message claimed since `before`. */
  stalePending(before: number): BlobHash[] {
    return this.stmt.stalePending.all(before) as BlobHash[];
  }

  /** Blobs no message claims any more (a scan: for the start only). */
  unreferenced(): BlobHash[] {
    return this.stmt.unreferenced.all() as BlobHash[];
  }

  remove(hash: BlobHash): void {
    this.stmt.remove.run(hash);
    this.stmt.removeUploads.run(hash);
  }
}
