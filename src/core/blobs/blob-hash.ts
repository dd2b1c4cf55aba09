import type { BlobHash } from '../types.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** True for a well-formed blob address: a sha256 as 64 lowercase hex digits. */
export function isBlobHash(value: unknown): value is BlobHash {
  return typeof value === 'string' && HEX64.test(value);
}
