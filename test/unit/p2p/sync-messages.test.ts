import { describe, expect, it } from 'vitest';
import { SyncProtocolError } from '../../../src/core/p2p/errors.js';
import { parseAnswer, parseCredit, parseRequest } from '../../../src/core/p2p/sync-messages.js';

describe('sync protocol frames', () => {
  it('accepts a well-formed want and get', () => {
    expect(parseRequest({ t: 'want', channels: ['c1'], frontier: [['a', 3]], credit: 2 })).toEqual({
      t: 'want',
      channels: ['c1'],
      authors: undefined,
      frontier: [['a', 3]],
      credit: 2,
    });
    expect(parseRequest({ t: 'get', ids: ['x', 'y'] })).toEqual({ t: 'get', ids: ['x', 'y'] });
  });

  it.each([
    ['not a map', [1, 2]],
    ['unknown type', { t: 'drop-tables' }],
    ['negative seq', { t: 'want', frontier: [['a', -1]], credit: 1 }],
    ['frontier pair of wrong shape', { t: 'want', frontier: [[1, 2]], credit: 1 }],
    ['credit above the maximum', { t: 'want', frontier: [], credit: 1000 }],
    ['too many ids', { t: 'get', ids: Array.from({ length: 2000 }, (_, i) => `${i}`) }],
  ])('refuses a request with %s', (_what, frame) => {
    expect(() => parseRequest(frame)).toThrow(SyncProtocolError);
  });

  it('refuses an answer whose entries are not byte strings, and a bad credit', () => {
    expect(() => parseAnswer({ t: 'batch', entries: ['text'] })).toThrow(SyncProtocolError);
    expect(() => parseCredit({ t: 'credit', n: 0 })).toThrow(SyncProtocolError);
    expect(parseCredit({ t: 'credit', n: 1 })).toBe(1);
  });
});
