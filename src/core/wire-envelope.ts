/**
 * The wire envelope `{v: 1, e: <entry bytes>, c: {hash: content}}` written by hand from stored
 * parts. A sync server sends thousands of stored entries per second; decoding each stored body
 * only to encode it again costs more than reading it. The output is byte for byte what
 * `encodeSealedEnvelope` writes (canonical CBOR), so receivers cannot tell the two apart.
 */
import type { ContentHash } from './types.js';

const encoder = new TextEncoder();

/** Bytes of a CBOR head (major type + argument) in its shortest form. */
function headLength(value: number): number {
  if (value < 24) return 1;
  if (value <= 0xff) return 2;
  if (value <= 0xffff) return 3;
  if (value <= 0xffffffff) return 5;
  return 9;
}

function writeHead(out: Uint8Array, at: number, major: number, value: number): number {
  const type = major << 5;
  if (value < 24) {
    out[at] = type | value;
    return at + 1;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (value <= 0xff) {
    out[at] = type | 24;
    out[at + 1] = value;
    return at + 2;
  }
  if (value <= 0xffff) {
    out[at] = type | 25;
    view.setUint16(at + 1, value);
    return at + 3;
  }
  if (value <= 0xffffffff) {
    out[at] = type | 26;
    view.setUint32(at + 1, value);
    return at + 5;
  }
  out[at] = type | 27;
  view.setBigUint64(at + 1, BigInt(value));
  return at + 9;
}

/** Canonical map order of text keys: shorter encoding first, then bytewise. */
function compareKeys(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return 0;
}

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
  let size = 1 + 2 + headLength(items.length) + 2 + headLength(entry.length) + entry.length + 3;
  for (const { key, body } of items) {
    size += headLength(key.length) + key.length + headLength(body.length) + body.length;
  }
  const out = new Uint8Array(size);
  let at = writeHead(out, 0, 5, 3);
  out[at++] = KEY_C >> 8;
  out[at++] = KEY_C & 0xff;
  at = writeHead(out, at, 5, items.length);
  for (const { key, body } of items) {
    at = writeHead(out, at, 3, key.length);
    out.set(key, at);
    at = writeHead(out, at + key.length, 2, body.length);
    out.set(body, at);
    at += body.length;
  }
  out[at++] = KEY_E >> 8;
  out[at++] = KEY_E & 0xff;
  at = writeHead(out, at, 2, entry.length);
  out.set(entry, at);
  out.set(KEY_V_ONE, at + entry.length);
  return out;
}
