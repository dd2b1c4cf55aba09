/**
 * The wire envelope `{v: 1, e: <entry bytes>, c: {hash: content}}` written by hand from stored
 * parts. A sync server sends thousands of stored entries per second; decoding each stored body
 * only to encode it again costs more than reading it. The output is byte for byte what
 * `encodeSealedEnvelope` writes (canonical CBOR), so receivers cannot tell the two apart.
 */
import { cborHeadLength, writeCborHead } from './cbor-head.js';
import { compareKeys } from './cbor-encode.js';
import type { ContentHash } from './types.js';

const encoder = new TextEncoder();

// The three keys of the envelope in canonical order, each a one-byte text: "c", "e", "v".
const KEY_C = 0x61_63;
const KEY_E = 0x61_65;
const KEY_V_ONE = [0x61, 0x76, 0x01];

/**
 * Encodes an envelope around `entry` (the entry's stored bytes, unchanged) and the content
 * blobs it points to. Equal to `encodeSealedEnvelope(unseal(entry), new Map(contents))`.
 */
export function encodeWireEnvelope(
  entry: Uint8Array,
  contents: Iterable<readonly [ContentHash, Uint8Array]>,
): Uint8Array {
  const items = [...contents].map(([hash, body]) => ({ key: encoder.encode(hash), body }));
  if (items.length > 1) items.sort((x, y) => compareKeys(x.key, y.key));
  let size =
    1 + 2 + cborHeadLength(items.length) + 2 + cborHeadLength(entry.length) + entry.length + 3;
  for (const { key, body } of items) {
    size += cborHeadLength(key.length) + key.length + cborHeadLength(body.length) + body.length;
  }
  const out = new Uint8Array(size);
  let at = writeCborHead(out, 0, 5, 3);
  out[at++] = KEY_C >> 8;
  out[at++] = KEY_C & 0xff;
  at = writeCborHead(out, at, 5, items.length);
  for (const { key, body } of items) {
    at = writeCborHead(out, at, 3, key.length);
    out.set(key, at);
    at = writeCborHead(out, at + key.length, 2, body.length);
    out.set(body, at);
    at += body.length;
  }
  out[at++] = KEY_E >> 8;
  out[at++] = KEY_E & 0xff;
  at = writeCborHead(out, at, 2, entry.length);
  out.set(entry, at);
  out.set(KEY_V_ONE, at + entry.length);
  return out;
}
