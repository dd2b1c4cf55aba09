/**
 * Issue 23, hostile input: whatever bytes a peer sends, the wire decoders answer with a value or
 * their own typed error — never another exception, never a hang. Truncated envelopes, flipped
 * bytes, heads that announce more than the input holds, valid CBOR of the wrong shape, and
 * length-prefixed frames cut anywhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborDecodeError, decodeCbor } from '../../src/core/cbor-decode.js';
import { encodeCanonical } from '../../src/core/encoding.js';
import { FrameReader, encodeFrame } from '../../src/core/p2p/codec.js';
import { P2PError } from '../../src/core/p2p/errors.js';
import {
  MalformedWireError,
  decodeEntryRun,
  decodeSealedEnvelope,
  decodeSignedPresence,
  encodeEnvelope,
  encodeEntryRun,
} from '../../src/core/wire.js';
import { seal } from '../../src/core/log.js';
import { HostileAuthor } from '../unit/p2p/injector.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 400);

/** A real signed entry with content, as a peer sends it. */
const author = new HostileAuthor();
const { entry } = author.next({ intent: 'x', consumes: [], creates: [], deps: [] });
const contents = new Map([['h1' as never, new Uint8Array([0xa1, 0x61, 0x74, 0x61, 0x78])]]);
const envelope = encodeEnvelope({ entry, contents });
const run = encodeEntryRun([
  { sealed: seal(entry), contents },
  { sealed: seal(entry), contents: new Map() },
]);

const wireDecoders = { decodeSealedEnvelope, decodeEntryRun, decodeSignedPresence };

/** Calls `decode`; passes when it returns or throws an instance of `typed`, fails otherwise. */
function onlyTyped(
  decode: (b: Uint8Array) => unknown,
  bytes: Uint8Array,
  typed: abstract new (...args: never[]) => Error,
): void {
  try {
    decode(bytes);
  } catch (error) {
    if (!(error instanceof typed)) {
      throw new Error(
        `${decode.name} threw ${String(error)} for ${Buffer.from(bytes).toString('hex')}`,
      );
    }
  }
}

function checkAll(bytes: Uint8Array): void {
  onlyTyped(decodeCbor, bytes, CborDecodeError);
  for (const decode of Object.values(wireDecoders)) onlyTyped(decode, bytes, MalformedWireError);
}

/** A head of major type `major` announcing `count`, in every argument width. */
const hugeHead = fc
  .tuple(
    fc.integer({ min: 2, max: 5 }),
    fc.oneof(
      fc.integer({ min: 24, max: 0xff }),
      fc.integer({ min: 0x100, max: 0xffff }),
      fc.integer({ min: 0x10000, max: 0xffffffff }),
      fc.bigInt({ min: 0x100000000n, max: 2n ** 64n - 1n }),
    ),
    fc.uint8Array({ maxLength: 40 }),
  )
  .map(([major, count, tail]) => {
    const big = BigInt(count);
    const width = big <= 0xffn ? 1 : big <= 0xffffn ? 2 : big <= 0xffffffffn ? 4 : 8;
    const info = { 1: 24, 2: 25, 4: 26, 8: 27 }[width]!;
    const arg = Array.from({ length: width }, (_, i) =>
      Number((big >> BigInt(8 * (width - 1 - i))) & 0xffn),
    );
    return new Uint8Array([(major << 5) | info, ...arg, ...tail]);
  });

describe('wire and CBOR decoders under hostile bytes', () => {
  it('refuse every truncation of a real envelope and entry run with their typed error', () => {
    for (const whole of [envelope, run]) {
      for (let n = 0; n < whole.length; n += 1) {
        const cut = whole.subarray(0, n);
        expect(() => decodeCbor(cut)).toThrow(CborDecodeError);
        expect(() => decodeEntryRun(cut)).toThrow(MalformedWireError);
        expect(() => decodeSealedEnvelope(cut)).toThrow(MalformedWireError);
      }
    }
    // The whole ones decode: the truncations failed for being cut, not for being wrong.
    expect(decodeSealedEnvelope(envelope).sealed.id).toBe(seal(entry).id);
    expect(decodeEntryRun(run)).toHaveLength(2);
  });

  it('answer random bytes and flipped bytes of a real envelope only with their typed errors', () => {
    const flipped = fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })
      .map((flips) => {
        const bytes = Uint8Array.from(envelope);
        for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
        return bytes;
      });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), flipped), checkAll), {
      numRuns: RUNS,
    });
  });

  it('refuse heads announcing more than the input holds (up to 2^64) at once', () => {
    fc.assert(
      fc.property(hugeHead, (bytes) => {
        expect(() => decodeCbor(bytes)).toThrow(CborDecodeError);
        checkAll(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuse valid CBOR of the wrong shape as a malformed envelope, run or presence', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.constant(null),
        fc.boolean(),
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.uint8Array({ maxLength: 20 }),
        fc.double({ noNaN: true }),
      ),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.constantFrom('v', 'e', 'c', 'author', 'presence', 'sig', 'x'),
          tie('node'),
          {
            maxKeys: 5,
          },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCanonical(v);
        expect(() => decodeCbor(bytes)).not.toThrow();
        for (const decode of Object.values(wireDecoders))
          onlyTyped(decode, bytes, MalformedWireError);
      }),
      { numRuns: RUNS },
    );
  });

  it('read frames cut at any point and with any garbage as values or P2P errors, never hanging', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        async (garbage, cutAt, chunk) => {
          const stream = Buffer.concat([encodeFrame({ t: 'batch', entries: [envelope] }), garbage]);
          const bytes = stream.subarray(0, cutAt % (stream.length + 1));
          async function* chunks() {
            for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
          }
          const reader = new FrameReader(chunks(), 4096);
          try {
            while ((await reader.next()) !== undefined);
          } catch (error) {
            if (!(error instanceof P2PError)) throw error;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
