/**
 * Blob bytes on disk: `<dataDir>/blobs/<first 2 hex>/<hash>`, directories 0700 and files 0600.
 * Bytes are streamed into a temporary file in the blobs folder (same file system) while being
 * hashed and counted, then renamed into place, so a reader never sees a partial file and a
 * refused or failed write leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobTooLargeError } from '../errors.js';
import type { BlobHash } from '../types.js';
import { SNIFF_BYTES } from './image-size.js';

const TMP_PREFIX = '.incoming-';

/** A file written to its temporary name: its hash, size and first bytes (for sniffing). */
export interface WrittenFile {
  readonly tmp: string;
  readonly hash: BlobHash;
  readonly size: number;
  readonly head: Uint8Array;
}

export class BlobFiles {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'blobs');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    // A crash mid-write leaves a temporary file: it was never a blob, so it goes.
    for (const name of readdirSync(this.root)) {
      if (name.startsWith(TMP_PREFIX)) rmSync(join(this.root, name), { force: true });
    }
  }

  pathOf(hash: BlobHash): string {
    return join(this.root, hash.slice(0, 2), hash);
  }

  /** Size of the file on disk, or undefined when it is not there. */
  sizeOf(hash: BlobHash): number | undefined {
    try {
      return statSync(this.pathOf(hash)).size;
    } catch {
      return undefined;
    }
  }

  /**
   * Streams `source` into a new temporary file. Throws BlobTooLargeError as soon as more than
   * `maxBytes` arrived; on any failure the temporary file is removed before the error is thrown.
   */
  async write(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    maxBytes: number | undefined,
  ): Promise<WrittenFile> {
    const tmp = join(this.root, `${TMP_PREFIX}${randomBytes(12).toString('hex')}`);
    const file = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let size = 0;
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        size += chunk.length;
        if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes, size);
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
          headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
        }
        let at = 0;
        while (at < chunk.length) {
          const { bytesWritten } = await file.write(chunk, at, chunk.length - at);
          at += bytesWritten;
        }
      }
      // The file must be on disk before a message that references it is acknowledged.
      await file.datasync();
      await file.close();
    } catch (error) {
      await file.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    return { tmp, hash: hash.digest('hex') as BlobHash, size, head: Buffer.concat(head) };
  }

  /** Moves a written file to its address (replacing nothing: equal bytes are already there). */
  async place(file: WrittenFile): Promise<void> {
    const dir = join(this.root, file.hash.slice(0, 2));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (this.sizeOf(file.hash) === file.size) {
      await unlink(file.tmp).catch(() => undefined);
      return;
    }
    await rename(file.tmp, this.pathOf(file.hash));
  }

  /** Removes a temporary file that will not be placed. */
  async discard(file: WrittenFile): Promise<void> {
    await unlink(file.tmp).catch(() => undefined);
  }

  /** The bytes of a file, streamed. */
  stream(hash: BlobHash): AsyncIterable<Uint8Array> {
    return createReadStream(this.pathOf(hash));
  }

  /** Deletes the bytes (missing already is fine). */
  remove(hash: BlobHash): void {
    try {
      unlinkSync(this.pathOf(hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
