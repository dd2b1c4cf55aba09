/**
 * The bytes of a file in an encrypted channel (docs/protocol.md, "Encrypted channels"): sealed
 * under a random 256-bit key of its own, in chunks of FILE_CHUNK plaintext bytes, each chunk
 * AES-256-GCM with its own 16-byte tag. The nonce of chunk i is i (11 bytes, big-endian) and a
 * last-chunk flag byte, so chunks cannot be reordered, dropped or cut off at a chunk boundary
 * without a tag failing. The key is never reused (one per upload), so counter nonces are safe.
 * Chunking lets a member stream a large file without holding it, and authenticate every chunk
 * before its plaintext is released.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { BlobTamperedError } from './errors.js';

export const FILE_CHUNK = 64 * 1024;
const TAG = 16;
const SEALED_CHUNK = FILE_CHUNK + TAG;

function nonce(index: number, last: boolean): Buffer {
  const out = Buffer.alloc(12);
  out.writeUIntBE(index, 5, 6);
  out[11] = last ? 1 : 0;
  return out;
}

function sealChunk(key: Uint8Array, index: number, last: boolean, plain: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index, last));
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function openChunk(key: Uint8Array, index: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG) throw new BlobTamperedError('a file chunk is shorter than its tag');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG)),
      decipher.final(),
    ]);
  } catch {
    throw new BlobTamperedError(
      `chunk ${index} of the file does not open with its key: changed, cut off or not this file`,
    );
  }
}

/** Yields the input re-cut into pieces of `size` bytes, and whether each is the last. */
async function* pieces(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  size: number,
): AsyncIterable<{ piece: Buffer; last: boolean }> {
  let held = Buffer.alloc(0);
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    held = held.length === 0 ? Buffer.from(chunk) : Buffer.concat([held, chunk]);
    // Keep at least one byte back: only the end of the input tells which piece is the last.
    while (held.length > size) {
      yield { piece: held.subarray(0, size), last: false };
      held = held.subarray(size);
    }
  }
  yield { piece: held, last: true };
}

/** The sealed bytes of a plaintext stream (an empty file is one tag-only chunk). */
export async function* sealFile(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  key: Uint8Array,
): AsyncIterable<Uint8Array> {
  let index = 0;
  for await (const { piece, last } of pieces(source, FILE_CHUNK)) {
    yield sealChunk(key, index, last, piece);
    index += 1;
  }
}

/**
 * The plaintext of a sealed stream, chunk by chunk; each chunk's plaintext is released only once
 * its tag verified. Throws BlobTamperedError at the first chunk that does not open.
 */
export async function* openFile(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  key: Uint8Array,
): AsyncIterable<Uint8Array> {
  let index = 0;
  for await (const { piece, last } of pieces(source, SEALED_CHUNK)) {
    const plain = openChunk(key, index, last, piece);
    if (plain.length > 0 || index === 0) yield plain;
    index += 1;
  }
}

/** Plaintext size of a sealed file of `sealedSize` bytes; undefined when no sealing gives it. */
export function plainSizeOf(sealedSize: number): number | undefined {
  if (sealedSize < TAG) return undefined;
  const chunks = Math.max(1, Math.ceil(sealedSize / SEALED_CHUNK));
  const rest = sealedSize - (chunks - 1) * SEALED_CHUNK;
  return rest < TAG ? undefined : sealedSize - chunks * TAG;
}

/** Reads a sealed stream to its end, checking every tag; throws BlobTamperedError if one fails. */
export async function verifyFile(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  key: Uint8Array,
): Promise<void> {
  for await (const piece of openFile(source, key)) void piece;
}

type Stored = { readonly size: number; stream(): AsyncIterable<Uint8Array> };

/**
 * The plaintext face of a sealed blob, given the keys that messages name for it (usually one; a
 * member could name a wrong key for another's file, so each is tried). Reading first checks the
 * whole file, so no byte is released unless all of it opens: BlobTamperedError otherwise.
 */
export function openedBlob(stored: Stored, keys: readonly Uint8Array[]): Stored {
  const size = plainSizeOf(stored.size) ?? 0;
  return {
    size,
    async *stream() {
      let key: Uint8Array | undefined;
      for (const candidate of keys) {
        try {
          await verifyFile(stored.stream(), candidate);
          key = candidate;
          break;
        } catch (error) {
          if (!(error instanceof BlobTamperedError)) throw error;
        }
      }
      if (!key) throw new BlobTamperedError('the file does not open with the key of its message');
      yield* openFile(stored.stream(), key);
    },
  };
}
