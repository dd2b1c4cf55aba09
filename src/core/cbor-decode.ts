/**
 * A small, strict CBOR decoder for what Multichat exchanges: maps with text keys (decoded to
 * plain objects), arrays, text, byte strings (returned as views into the input, not copies),
 * integers, floats, null, booleans and undefined. Indefinite lengths, tags, non-text map keys
 * and duplicate keys are refused, so only one reading of any input exists. It replaces cborg on
 * the hot decode paths (sync, gossip, store reads); `test/unit/core/cbor.test.ts` checks that both
 * agree on every value Multichat encodes.
 */
export class CborDecodeError extends Error {}

const MAX_DEPTH = 64;

class Reader {
  pos = 0;
  private readonly view: DataView;
  private readonly buf: Buffer;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new CborDecodeError('input ends inside an item');
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
      const v = this.view.getUint16(this.pos);
      this.pos += 2;
      return v;
    }
    if (info === 26) {
      this.need(4);
      const v = this.view.getUint32(this.pos);
      this.pos += 4;
      return v;
    }
    if (info === 27) {
      this.need(8);
      const v = this.view.getBigUint64(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborDecodeError('integer beyond 2^53');
      return Number(v);
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
    if (n <= 16) {
      const bytes = this.bytes;
      let ascii = true;
      for (let i = start; i < start + n; i += 1) {
        if ((bytes[i] as number) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        let out = '';
        for (let i = start; i < start + n; i += 1) out += String.fromCharCode(bytes[i] as number);
        return out;
      }
    }
    return this.buf.toString('utf8', start, start + n);
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
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i += 1) out[i] = this.item(depth + 1);
        return out;
      }
      case 5: {
        const n = this.argument(info);
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
