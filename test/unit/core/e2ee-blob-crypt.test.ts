/**
 * The chunked sealing of file bytes (src/core/e2ee/blob-crypt.ts): round trips at the sizes
 * where chunking has edges, and refusal (BlobTamperedError) of a changed byte, a cut at a chunk
 * boundary, swapped chunks, an appended chunk and a wrong key.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FILE_CHUNK,
  openFile,
  plainSizeOf,
  sealFile,
  verifyFile,
} from '../../../src/core/e2ee/blob-crypt.js';
import { BlobTamperedError } from '../../../src/core/e2ee/errors.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

/** `bytes` delivered in uneven pieces, as file and network reads come. */
async function* uneven(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let at = 0, step = 1000; at < bytes.length; at += step, step = (step * 7) % 90_001) {
    yield bytes.subarray(at, at + step);
  }
}

const SEALED = FILE_CHUNK + 16;

describe('file sealing', () => {
  it.each([0, 1, FILE_CHUNK - 1, FILE_CHUNK, FILE_CHUNK + 1, 3 * FILE_CHUNK, 200_000])(
    'round-trips %i bytes, and the sealed size gives the plain size',
    async (n) => {
      const key = randomBytes(32);
      const plain = randomBytes(n);
      const sealed = await collect(sealFile(uneven(plain), key));
      expect(sealed.length).toBe(n + 16 * Math.max(1, Math.ceil(n / FILE_CHUNK)));
      expect(plainSizeOf(sealed.length)).toBe(n);
      expect((await collect(openFile(uneven(sealed), key))).equals(plain)).toBe(true);
    },
  );

  it('refuses a changed byte, a cut, swapped or added chunks, and a wrong key', async () => {
    const key = randomBytes(32);
    const sealed = await collect(sealFile(randomBytes(3 * FILE_CHUNK + 10), key));
    const flipped = Buffer.from(sealed);
    flipped[SEALED + 5]! ^= 1;
    const cut = sealed.subarray(0, 2 * SEALED);
    const swapped = Buffer.concat([
      sealed.subarray(SEALED, 2 * SEALED),
      sealed.subarray(0, SEALED),
      sealed.subarray(2 * SEALED),
    ]);
    const added = Buffer.concat([sealed.subarray(0, 3 * SEALED), sealed.subarray(0, SEALED)]);
    for (const bad of [flipped, cut, swapped, added, Buffer.alloc(0)]) {
      await expect(verifyFile(bad, key)).rejects.toBeInstanceOf(BlobTamperedError);
    }
    await expect(verifyFile(sealed, randomBytes(32))).rejects.toBeInstanceOf(BlobTamperedError);
    await expect(verifyFile(sealed, key)).resolves.toBeUndefined();
    expect(plainSizeOf(5)).toBeUndefined();
  });
});
