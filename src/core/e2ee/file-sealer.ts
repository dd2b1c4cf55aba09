/**
 * Files of encrypted channels at the node: seals the bytes of a message's files when it is sent
 * (a new blob of ciphertext under a fresh key, blob-crypt.ts), and finds the keys of a sealed
 * blob for the blob store when a member reads it (sealed-files.ts). Relays store and serve the
 * sealed blob like any other: its hash is the hash of the ciphertext, so they can check it.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { BlobRows } from '../blobs/blob-rows.js';
import type { LogStore } from '../store/log-store.js';
import type { MessageRow, Projections } from '../store/projections.js';
import type { Attachment, BlobHash, BlobInfo, ContentHash, UserId } from '../types.js';
import { sealFile } from './blob-crypt.js';
import type { E2ee } from './e2ee.js';
import { sealedFilesOf, type SealedFile } from './sealed-files.js';

type Readable = { readonly size: number; stream(): AsyncIterable<Uint8Array> };

/** What the sealer needs of the blob store (its plaintext face and its put). */
export interface SealerBlobs {
  open(hash: BlobHash): Readable | undefined;
  fetch(hash: BlobHash, options?: { signal?: AbortSignal }): Promise<Readable | undefined>;
  put(
    source: AsyncIterable<Uint8Array>,
    options: { uploader?: UserId; mimeType?: string },
  ): Promise<BlobInfo>;
}

/** How long a send waits for a file this node does not hold to come from a peer. */
const FETCH_WAIT_MS = 30_000;

const SEALED_TYPE = 'application/octet-stream';

export class FileSealer {
  constructor(
    private readonly rows: BlobRows,
    private readonly projections: Projections,
    private readonly log: LogStore,
    private readonly e2ee: E2ee,
  ) {}

  /**
   * Seals the bytes of each stored file of a message: the attachments to put in the transaction
   * (the sealed blob, its size, a generic type) and, in the same order, what the sealed content
   * carries about each (null for a file given by url alone, which has no bytes here).
   */
  async seal(
    blobs: SealerBlobs,
    uploader: UserId,
    attachments: readonly Attachment[],
  ): Promise<{ attachments: Attachment[]; files: (SealedFile | null)[] }> {
    const out: Attachment[] = [];
    const files: (SealedFile | null)[] = [];
    for (const [i, a] of attachments.entries()) {
      if (a.hash === undefined) {
        out.push(a);
        files.push(null);
        continue;
      }
      // The plaintext face: a file re-shared from another encrypted channel is opened first.
      const plain =
        blobs.open(a.hash) ??
        (await blobs.fetch(a.hash, { signal: AbortSignal.timeout(FETCH_WAIT_MS) }));
      if (!plain) {
        throw new ValidationError(
          `attachments.${i}.hash`,
          `attachments.${i}.hash: the bytes of ${a.hash} are not on this node, nor came from a peer`,
        );
      }
      const key = randomBytes(32);
      const sealed = await blobs.put(sealFile(plain.stream(), key), {
        uploader,
        mimeType: SEALED_TYPE,
      });
      out.push({ hash: sealed.hash, name: a.name, mimeType: SEALED_TYPE, size: sealed.size });
      files.push({
        c: sealed.hash,
        k: key,
        s: plain.size,
        ...(a.mimeType !== undefined && { m: a.mimeType }),
        ...(a.width !== undefined && { w: a.width }),
        ...(a.height !== undefined && { h: a.height }),
      });
    }
    return { attachments: out, files };
  }

  /**
   * For a message of a plaintext channel: a file re-shared from an encrypted channel is stored
   * again as its plaintext (a new blob), or the channel's readers would get bytes that none of
   * them can open. Sharing it there is the sender's choice, like copying its text.
   */
  async unseal(
    blobs: SealerBlobs,
    uploader: UserId,
    attachments: readonly Attachment[],
  ): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (const a of attachments) {
      const file = a.hash !== undefined ? this.filesOf(a.hash)[0] : undefined;
      const plain = file && blobs.open(a.hash!);
      if (!file || !plain) {
        out.push(a);
        continue;
      }
      const mimeType = file.m ?? a.mimeType;
      const info = await blobs.put(plain.stream(), {
        uploader,
        ...(mimeType !== undefined && { mimeType }),
      });
      out.push({ ...a, hash: info.hash, size: info.size });
    }
    return out;
  }

  /**
   * The sealed entries naming `hash` in live messages this node can open (none on a relay, or
   * for a plaintext blob). Looked up on each read, so a deleted message's key is gone with it.
   */
  filesOf(hash: BlobHash): SealedFile[] {
    const out: SealedFile[] = [];
    for (const message of this.rows.messagesReferencing(hash)) {
      const row = this.projections.message.get(message) as MessageRow | undefined;
      if (!row || row.deleted === 1) continue;
      const body = this.log.content(row.content_hash as ContentHash);
      if (!body) continue;
      let plain: Uint8Array | undefined;
      try {
        plain = this.e2ee.open(row.channel, row.sender, body);
      } catch {
        continue; // no key here (a relay, before a join, after a removal), or refused
      }
      if (!plain) continue; // a plaintext message: its files are not sealed
      for (const file of sealedFilesOf(plain)) if (file?.c === hash) out.push(file);
    }
    return out;
  }
}
