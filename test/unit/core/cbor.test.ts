import { decode, encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor, CborDecodeError } from '../../../src/core/cbor-decode.js';
import { canonicalizeForCborg, encodeCbor } from '../../../src/core/cbor-encode.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Any JSON-like value, floats and -0 included (those take cborg's own path).
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.string({ unit: 'grapheme' }),
    fc.maxSafeInteger(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.uint8Array({ maxLength: 80 }),
    fc.double({ noNaN: true }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    // No "__proto__" key: cborg turns it into the object's prototype, we keep it as data.
    fc.dictionary(
      fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__'),
      tie('node'),
      { maxKeys: 6 },
    ),
  ),
}));

describe('canonical CBOR encoder', () => {
  it('writes exactly the bytes cborg writes for the values Multichat signs', () => {
    fc.assert(
      fc.property(value.node, (v) => {
        expect(hex(encodeCbor(v))).toBe(hex(encode(canonicalizeForCborg(v))));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips through cborg and leaves out undefined members', () => {
    const v = {
      b: 1,
      a: [1, 'x', null, true],
      nested: { z: new Uint8Array([1, 2]), gone: undefined },
      big: 2 ** 40,
    };
    const decoded = decode(encodeCbor(v)) as Record<string, unknown>;
    expect(decoded).toEqual({
      b: 1,
      a: [1, 'x', null, true],
      nested: { z: new Uint8Array([1, 2]) },
      big: 2 ** 40,
    });
  });

  it('decodes what it encodes exactly as cborg does', () => {
    fc.assert(
      fc.property(value.node, (v) => {
        const bytes = encodeCbor(v);
        expect(decodeCbor(bytes)).toEqual(decode(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a "__proto__" key as plain data, never as a prototype', () => {
    const bytes = encodeCbor(JSON.parse('{"__proto__": {"polluted": true}}'));
    const decoded = decodeCbor(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('reads 64-bit integers up to 2^53 - 1 and refuses larger ones', () => {
    const int64 = (high: number, low: number, major = 0) => {
      const bytes = new Uint8Array(9);
      bytes[0] = (major << 5) | 27;
      new DataView(bytes.buffer).setUint32(1, high);
      new DataView(bytes.buffer).setUint32(5, low);
      return bytes;
    };
    expect(decodeCbor(int64(0x1f_ffff, 0xffff_ffff))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(int64(0x1f_ffff, 0xffff_fffe, 1))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(int64(0x1a2, 0x3a9c_2f76))).toBe(0x1a2 * 2 ** 32 + 0x3a9c_2f76);
    expect(decodeCbor(encodeCbor(1_796_642_172_534))).toBe(1_796_642_172_534);
    expect(() => decodeCbor(int64(0x20_0000, 0))).toThrow(CborDecodeError);
    expect(() => decodeCbor(int64(0xffff_ffff, 0xffff_ffff))).toThrow(CborDecodeError);
  });

  it('refuses indefinite lengths, tags, non-text keys, duplicate keys and trailing bytes', () => {
    const refused = [
      [0x5f, 0x41, 0x61, 0xff], // indefinite byte string
      [0xc1, 0x01], // tag 1
      [0xa1, 0x01, 0x02], // integer key
      [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], // duplicate key "a"
      [0x01, 0x02], // trailing byte
      [0x62, 0x61], // text cut short
    ];
    for (const bytes of refused) {
      expect(() => decodeCbor(new Uint8Array(bytes))).toThrow(CborDecodeError);
    }
  });
});
