import { describe, expect, it } from 'vitest';
import { FrameReader, encodeFrame } from '../../../src/core/p2p/codec.js';
import { FrameTooLargeError, StreamEndedError } from '../../../src/core/p2p/errors.js';

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe('length-prefixed CBOR frames', () => {
  const values = [
    { t: 'want', frontier: [['a', 3]], credit: 2 },
    { t: 'batch', entries: [new Uint8Array(300).fill(7)] },
    'x'.repeat(20_000),
  ];

  it.each([1, 3, 64, 100_000])('reads back every value when chunks are %i bytes', async (size) => {
    const reader = new FrameReader(chunked(concat(values.map((v) => encodeFrame(v))), size));
    const out: unknown[] = [];
    for (let v = await reader.next(); v !== undefined; v = await reader.next()) out.push(v);
    expect(out).toEqual(values);
  });

  it('refuses a frame above the limit before buffering it', async () => {
    const reader = new FrameReader(chunked(encodeFrame('y'.repeat(2000)), 16), 1000);
    await expect(reader.next()).rejects.toBeInstanceOf(FrameTooLargeError);
  });

  it('reports a stream that ends inside a frame', async () => {
    const frame = encodeFrame({ t: 'done', sent: 1 });
    const reader = new FrameReader(chunked(frame.subarray(0, frame.byteLength - 2), 4));
    await expect(reader.next()).rejects.toBeInstanceOf(StreamEndedError);
  });

  it('expect() fails on a cleanly ended stream', async () => {
    const reader = new FrameReader(chunked(new Uint8Array(0), 1));
    await expect(reader.expect()).rejects.toBeInstanceOf(StreamEndedError);
  });
});
