/**
 * Canonical encoding: deterministic CBOR (cbor-encode.ts, byte for byte what cborg writes:
 * sorted map keys, shortest integer and float forms; `undefined` members left out). Every hash
 * and signature in Multichat is taken over these bytes, never over re-serialised JSON, so two
 * implementations that agree on the data agree on the bytes.
 */
import { decodeCbor } from './cbor-decode.js';
import { encodeCbor } from './cbor-encode.js';
import { hash } from 'node:crypto';

export function encodeCanonical(value: unknown): Uint8Array {
  return encodeCbor(value);
}

export function decodeCanonical<T>(bytes: Uint8Array): T {
  return decodeCbor(bytes) as T;
}

// crypto.hash (Node >= 20.12) is a one-shot digest: about 4x faster than createHash() for the
// few hundred bytes of an entry or resource, and every append hashes several.
export function sha256(bytes: Uint8Array): Buffer {
  return hash('sha256', bytes, 'buffer');
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** base64url SHA-256 of the canonical encoding of `value`. */
export function hashOf(value: unknown): string {
  return toBase64Url(sha256(encodeCanonical(value)));
}

export function hashBytes(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'base64url');
}
