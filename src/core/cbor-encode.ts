/**
 * A small canonical CBOR encoder (RFC 8949 §4.2.3 "length-first" map key order, as cborg's
 * default): shortest integer heads, definite lengths, map keys sorted by encoded length then
 * bytes, non-integer numbers as the shortest float that keeps their value. It covers the values
 * Multichat signs (maps with text keys, arrays, text, bytes, safe integers, null, booleans) and
 * is several times faster than a general encoder on the hot path of signing and hashing; any
 * other number (floats, -0) hands the whole value to cborg, so the bytes are always cborg's.
 * `test/unit/core/cbor.test.ts` checks it byte for byte against cborg.
 */

import { encode } from 'cborg';
import { decodeCbor } from './cbor-decode.js';

const encoder = new TextEncoder();

/**
 * A value already in canonical CBOR, written verbatim: a transaction's resources are encoded
 * once for their ids and those bytes are reused inside the entry instead of encoding them again.
 */
export class EncodedCbor {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * The value as this encoder sees it: `undefined` map members dropped and `undefined` array
 * items written as null, recursively. cborg gets this form (on the fallback path and in tests).
 */
export function canonicalizeForCborg(value: unknown): unknown {
  if (value instanceof EncodedCbor) return decodeCbor(value.bytes);
  if (Array.isArray(value))
    return value.map((v) => canonicalizeForCborg(v === undefined ? null : v));
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) out[key] = canonicalizeForCborg(member);
  }
  return out;
}

class Writer {
  private buf = Buffer.allocUnsafe(1024);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  head(major: number, value: number): void {
    this.ensure(9);
    const m = major << 5;
    if (value < 24) this.buf[this.length++] = m | value;
    else if (value < 0x100) {
      this.buf[this.length++] = m | 24;
      this.buf[this.length++] = value;
    } else if (value < 0x10000) {
      this.buf[this.length++] = m | 25;
      this.view.setUint16(this.length, value);
      this.length += 2;
    } else if (value < 0x100000000) {
      this.buf[this.length++] = m | 26;
      this.view.setUint32(this.length, value);
      this.length += 4;
    } else {
      this.buf[this.length++] = m | 27;
      this.view.setBigUint64(this.length, BigInt(value));
      this.length += 8;
    }
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  text(value: string): void {
    const size = Buffer.byteLength(value, 'utf8');
    this.head(3, size);
    this.ensure(size);
    this.buf.write(value, this.length, size, 'utf8');
    this.length += size;
  }

  result(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.length));
  }
}

/**
 * Map keys in canonical order, cached per sequence of keys (objects of one kind share a shape).
 * The cache is a trie over the keys as Object.keys lists them: walking it costs a few Map
 * lookups, where building a string key for a flat cache cost more than the sort it saves.
 */
interface KeyTrie {
  order?: string[];
  readonly next: Map<string, KeyTrie>;
}
const shapes: KeyTrie = { next: new Map() };
let shapeCount = 0;

function canonicalKeyOrder(keys: string[]): string[] {
  let node = shapes;
  for (const key of keys) {
    let child = node.next.get(key);
    if (!child) {
      if (shapeCount > 10_000) {
        shapes.next.clear();
        shapeCount = 0;
      }
      child = { next: new Map() };
      node.next.set(key, child);
      shapeCount += 1;
    }
    node = child;
  }
  node.order ??= [...keys].sort((a, b) => compareKeys(encoder.encode(a), encoder.encode(b)));
  return node.order;
}

function write(w: Writer, value: unknown): void {
  if (value === null) return w.head(7, 22);
  switch (typeof value) {
    case 'boolean':
      return w.head(7, value ? 21 : 20);
    case 'string':
      return w.text(value);
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
        return value >= 0 ? w.head(0, value) : w.head(1, -1 - value);
      }
      throw new NotFastPath();
    case 'object': {
      if (value instanceof EncodedCbor) return w.bytes(value.bytes);
      if (value instanceof Uint8Array) {
        w.head(2, value.length);
        return w.bytes(value);
      }
      if (Array.isArray(value)) {
        w.head(4, value.length);
        for (const item of value) write(w, item === undefined ? null : item);
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => record[key] !== undefined);
      w.head(5, keys.length);
      for (const key of canonicalKeyOrder(keys)) {
        w.text(key);
        write(w, record[key]);
      }
      return;
    }
    default:
      throw new TypeError(`cannot encode a ${typeof value} canonically`);
  }
}

/** Length-first, then bytewise: the order of the encoded text keys. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return 0;
}

/** Raised for values outside the fast path (non-integer numbers): cborg encodes those. */
class NotFastPath extends Error {}

/** Canonical CBOR of `value`; `undefined` members of maps are left out. */
export function encodeCbor(value: unknown): Uint8Array {
  const w = new Writer();
  try {
    write(w, value);
  } catch (error) {
    if (error instanceof NotFastPath) return encode(canonicalizeForCborg(value));
    throw error;
  }
  return w.result();
}
