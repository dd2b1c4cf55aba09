/** Frames of the blob protocol: what a server and a client accept from each other. */
import { describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_BYTES,
  parseBlobAnswer,
  parseBlobChunk,
  parseBlobRequest,
} from '../../../src/core/p2p/blob-messages.js';
import { SyncProtocolError } from '../../../src/core/p2p/errors.js';

const HASH = 'ab'.repeat(32);

describe('blob protocol frames', () => {
  it('accepts a request by a 64-hex hash, and the sync proof frames', () => {
    expect(parseBlobRequest({ t: 'blob', hash: HASH })).toEqual({ t: 'blob', hash: HASH });
    expect(parseBlobRequest({ t: 'challenge' })).toEqual({ t: 'challenge' });
    expect(parseBlobRequest({ t: 'prove', proofs: [] })).toEqual({ t: 'prove', proofs: [] });
  });

  it.each([
    ['an upper-case hash', { t: 'blob', hash: HASH.toUpperCase() }],
    ['a short hash', { t: 'blob', hash: 'ab' }],
    ['a path', { t: 'blob', hash: '../'.repeat(21) + 'a' }],
    ['a sync want', { t: 'want', frontier: [], credit: 1 }],
    ['no map', 'blob'],
  ])('refuses %s as a request', (_what, frame) => {
    expect(() => parseBlobRequest(frame)).toThrow(SyncProtocolError);
  });

  it('reads each status; ok carries its size', () => {
    expect(parseBlobAnswer({ t: 'blob', status: 'ok', size: 3 })).toEqual({
      t: 'blob',
      status: 'ok',
      size: 3,
    });
    for (const status of ['not-found', 'refused', 'busy']) {
      expect(parseBlobAnswer({ t: 'blob', status })).toEqual({ t: 'blob', status });
    }
    expect(() => parseBlobAnswer({ t: 'blob', status: 'ok' })).toThrow(SyncProtocolError);
    expect(() => parseBlobAnswer({ t: 'blob', status: 'ok', size: -1 })).toThrow(SyncProtocolError);
    expect(() => parseBlobAnswer({ t: 'blob', status: 'maybe' })).toThrow(SyncProtocolError);
  });

  it('takes a chunk only within the chunk size and the bytes still due, never empty', () => {
    const chunk = new Uint8Array(10);
    expect(parseBlobChunk(chunk, 10)).toBe(chunk);
    expect(() => parseBlobChunk(chunk, 9)).toThrow(SyncProtocolError);
    expect(() => parseBlobChunk(new Uint8Array(0), 9)).toThrow(SyncProtocolError);
    expect(() => parseBlobChunk(new Uint8Array(BLOB_CHUNK_BYTES + 1), 1 << 30)).toThrow(
      SyncProtocolError,
    );
    expect(() => parseBlobChunk('bytes', 10)).toThrow(SyncProtocolError);
  });
});
