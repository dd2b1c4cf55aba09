/**
 * Bytes the media suites send and check: the sha256 a reader's copy is compared by, and a
 * PNG-shaped buffer whose header gives a known size (random after it, so no two are alike).
 */
import { createHash, randomBytes } from 'node:crypto';

/** Lowercase hex sha256, as a BlobHash is written. */
export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A PNG-shaped buffer (signature + IHDR with the given size) followed by `extra` random bytes. */
export function png(width: number, height: number, extra: number): Buffer {
  const ihdr = Buffer.alloc(8);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR', 'latin1'),
    ihdr,
    randomBytes(extra),
  ]);
}
