/**
 * A small, strict CBOR decoder for what Multichat exchanges: maps with text keys (decoded to
 * plain objects), arrays, text, byte strings (returned as views into the input, not copies),
 * integers, floats, null, booleans and undefined. Indefinite lengths, tags, non-text map keys
 * and duplicate keys are refused, so only one reading of any input exists. It replaces cborg on
 * the hot decode paths (sync, gossip, store reads); `test/unit/core/cbor.test.ts` checks that both
 * agree on every value Multichat encodes.
 */
import { readUint16, readUint32 } from './cbor-head.js';

export class CborDecodeError extends Error {}

const MAX_DEPTH = 64;

/** Buffer's native UTF-8 decoder works on any Uint8Array: no Buffer view per input. */
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(s: number, e: number): string })
  .utf8Slice;

/**
 * Short ASCII text (map keys, kinds, intents, roles) repeats in every entry. Each distinct
 * string is built once and kept in a small table keyed by a hash of its bytes: no new string per
 * occurrence, and a map key that is already internalized makes the property store cheap.
 */
const SHORT_TEXT = 16;
const TABLE_SIZE = 1024;
const table: (string | undefined)[] = new Array<string | undefined>(TABLE_SIZE);

function shortAscii(bytes: Uint8Array, start: number, n: number): string | undefined {
  let h = n;
  for (let i = start; i < start + n; i += 1) {
    const b = bytes[i] as number;
    if (b > 0x7f) return undefined;
    h = (Math.imul(h, 31) + b) | 0;
  }
  const slot = (h ^ (h >>> 15)) & (TABLE_SIZE - 1);
  const known = table[slot];
  if (known !== undefined && known.length === n) {
    let same = true;
    for (let i = 0; i < n; i += 1) {
      if (known.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  let out = '';
  for (let i = start; i < start + n; i += 1) out += String.fromCharCode(bytes[i] as number);
  table[slot] = out;
  return out;
}

class Reader {
  pos = 0;
  /** Only floats and 64-bit integers need a DataView: most inputs never create one. */
  private dataView: DataView | undefined;

  constructor(readonly bytes: Uint8Array) {}

  private get view(): DataView {
    this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dataView;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new CborDecodeError('input ends inside an item');
  }

  /**
   * Refuses a count of `n` items of at least `bytesEach` bytes that the rest of the input cannot
   * hold (each item takes at least one byte, each map entry two). Without it an array head
   * counting 2^32 or more items threw V8's RangeError instead of a CborDecodeError.
   */
  private needItems(n: number, bytesEach: number): void {
    if (n * bytesEach > this.bytes.length - this.pos) {
      throw new CborDecodeError(`${n} items cannot fit in the rest of the input`);
    }
  }

  /** The argument of a head whose additional info is `info`. */
  private argument(info: number): number {
    if (info < 24) return info;
    if (info === 24) {
      this.need(1);
      return this.bytes[this.pos++] as number;
    }
    if (info === 25) {
      this.need(2);
      const v = readUint16(this.bytes, this.pos);
      this.pos += 2;
      return v;
    }
    if (info === 26) {
      this.need(4);
      const v = readUint32(this.bytes, this.pos);
      this.pos += 4;
      return v;
    }
    if (info === 27) {
      // Every entry carries 64-bit times (hlc.wall, createdAt): two 32-bit halves cost no
      // DataView and no BigInt per read.
      this.need(8);
      const high = readUint32(this.bytes, this.pos);
      const low = readUint32(this.bytes, this.pos + 4);
      this.pos += 8;
      if (high >= 2 ** 21) throw new CborDecodeError('integer beyond 2^53');
      return high * 2 ** 32 + low;
    }
    throw new CborDecodeError(
      `unsupported length encoding ${info} (indefinite lengths are refused)`,
    );
  }

  /**
   * Text through Buffer's native UTF-8 slice: flat strings, no per-character work. Short ASCII
   * text (map keys, kinds, roles) is built in JS instead: cheaper than a call into native code.
   */
  private text(start: number, n: number): string {
    if (n <= SHORT_TEXT) {
      const cached = shortAscii(this.bytes, start, n);
      if (cached !== undefined) return cached;
    }
    return utf8Slice.call(this.bytes, start, start + n);
  }

  item(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new CborDecodeError('nested too deeply');
    this.need(1);
    const head = this.bytes[this.pos++] as number;
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2: {
        const n = this.argument(info);
        this.need(n);
        // A plain Uint8Array view whatever the input's class (Buffer or not): no copy.
        const out = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, n);
        this.pos += n;
        return out;
      }
      case 3: {
        const n = this.argument(info);
        this.need(n);
        const out = this.text(this.pos, n);
        this.pos += n;
        return out;
      }
      case 4: {
        const n = this.argument(info);
        this.needItems(n, 1);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i += 1) out[i] = this.item(depth + 1);
        return out;
      }
      case 5: {
        const n = this.argument(info);
        this.needItems(n, 2);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i += 1) {
          const key = this.item(depth + 1);
          if (typeof key !== 'string') throw new CborDecodeError('map keys must be text');
          if (Object.prototype.hasOwnProperty.call(out, key)) {
            throw new CborDecodeError(`duplicate map key ${key}`);
          }
          const value = this.item(depth + 1);
          if (key === '__proto__')
            Object.defineProperty(out, key, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          else out[key] = value;
        }
        return out;
      }
      case 6:
        throw new CborDecodeError('tags are not used by Multichat');
      default:
        return this.simple(info);
    }
  }

  private simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        const v = halfToNumber(this.view.getUint16(this.pos));
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      default:
        throw new CborDecodeError(`unsupported simple value ${info}`);
    }
  }
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Decodes exactly one item that spans all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) throw new CborDecodeError('bytes left after the item');
  return value;
}
