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
import { cborHeadLength, writeCborHead } from './cbor-head.js';

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

/**
 * One growing scratch buffer for every encoding (encoding is synchronous and never nested), so
 * an encode allocates only its result; a buffer grown for a large value is dropped after it.
 */
class Writer {
  private buf = Buffer.allocUnsafe(SCRATCH_BYTES);
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
    const n = value.length;
    // Ids, keys and names are short ASCII: copied by hand, without measuring the UTF-8 first.
    if (n < SHORT_TEXT) {
      this.ensure(n + 2);
      const buf = this.buf;
      const start = this.length;
      const at = n < 24 ? start + 1 : start + 2;
      let i = 0;
      for (; i < n; i += 1) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        if (n < 24) buf[start] = 0x60 | n;
        else {
          buf[start] = 0x60 | 24;
          buf[start + 1] = n;
        }
        this.length = at + n;
        return;
      }
    }
    const size = Buffer.byteLength(value, 'utf8');
    this.head(3, size);
    this.ensure(size);
    this.buf.write(value, this.length, size, 'utf8');
    this.length += size;
  }

  /** A copy of what was written, and the writer emptied for the next value. */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    this.length = 0;
    if (this.buf.length > SCRATCH_BYTES) this.reset();
    return out;
  }

  reset(): void {
    this.length = 0;
    if (this.buf.length === SCRATCH_BYTES) return;
    this.buf = Buffer.allocUnsafe(SCRATCH_BYTES);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
}

const SCRATCH_BYTES = 16 * 1024;
/** Texts shorter than this (in UTF-16 units) are tried as ASCII; the head then fits 2 bytes. */
const SHORT_TEXT = 128;

/**
 * Map keys in canonical order, cached per sequence of keys (objects of one kind share a shape),
 * each with its encoded bytes (head and text), which are the same every time.
 * The cache is a trie over the keys as Object.keys lists them: walking it costs a few Map
 * lookups, where building a string key for a flat cache cost more than the sort it saves.
 */
interface KeyTrie {
  order?: readonly OrderedKey[];
  readonly next: Map<string, KeyTrie>;
}
interface OrderedKey {
  readonly key: string;
  readonly encoded: Uint8Array;
}
const shapes: KeyTrie = { next: new Map() };
let shapeCount = 0;

function encodedKey(key: string): OrderedKey {
  const text = encoder.encode(key);
  const encoded = new Uint8Array(cborHeadLength(text.length) + text.length);
  encoded.set(text, writeCborHead(encoded, 0, 3, text.length));
  return { key, encoded };
}

/** The present (not undefined) keys of `record` in canonical order. */
function canonicalKeyOrder(record: Record<string, unknown>): readonly OrderedKey[] {
  let node = shapes;
  const keys = Object.keys(record);
  for (const key of keys) {
    if (record[key] === undefined) continue;
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
  if (node.order) return node.order;
  // Encoded keys sort as their texts do: length first (a longer text never has a shorter
  // head), then bytewise.
  node.order = keys
    .filter((key) => record[key] !== undefined)
    .map(encodedKey)
    .sort((a, b) => compareKeys(a.encoded, b.encoded));
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
      const order = canonicalKeyOrder(record);
      w.head(5, order.length);
      for (const { key, encoded } of order) {
        w.bytes(encoded);
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
  try {
    write(scratch, value);
  } catch (error) {
    scratch.reset();
    if (error instanceof NotFastPath) return encode(canonicalizeForCborg(value));
    throw error;
  }
  return scratch.take();
}

const scratch = new Writer();
