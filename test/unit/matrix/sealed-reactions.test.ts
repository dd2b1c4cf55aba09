import { describe, expect, it } from 'vitest';
import { SealedReactions } from '../../../src/bridges/matrix/sealed-reactions.js';
import type { AdapterMemos } from '../../../src/bridges/types.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The mapping store's memos, as a map (what survives a restart of the adapter). */
function memoStore(): AdapterMemos & { rows: Map<string, string> } {
  const rows = new Map<string, string>();
  return {
    rows,
    get: (kind, key) => Promise.resolve(rows.get(`${kind}/${key}`)),
    set: (kind, key, value) => {
      rows.set(`${kind}/${key}`, value);
      return Promise.resolve();
    },
    delete: (kind, key) => Promise.resolve(rows.delete(`${kind}/${key}`)),
  };
}

describe('SealedReactions (the bot’s reactions in encrypted rooms)', () => {
  it('finds a reaction sent before a restart, once, by room, message and emoji', async () => {
    const memos = memoStore();
    await new SealedReactions(memos, silent).remember('!r:x', '$m', '👍', '$react1');
    const after = new SealedReactions(memos, silent);
    expect(await after.take('!r:x', '$m', '🎉')).toBeUndefined();
    expect(await after.take('!r:other', '$m', '👍')).toBeUndefined();
    expect(await after.take('!r:x', '$m', '👍')).toBe('$react1');
    expect(await after.take('!r:x', '$m', '👍')).toBeUndefined();
    expect(memos.rows.size).toBe(0);
  });

  it('keeps one id per person’s equal reaction, a retried send once; each removal takes one', async () => {
    const memos = memoStore();
    const reactions = new SealedReactions(memos, silent);
    await reactions.remember('!r:x', '$m', '👍', '$a');
    await reactions.remember('!r:x', '$m', '👍', '$a');
    await reactions.remember('!r:x', '$m', '👍', '$b');
    const taken = [
      await reactions.take('!r:x', '$m', '👍'),
      await reactions.take('!r:x', '$m', '👍'),
      await reactions.take('!r:x', '$m', '👍'),
    ];
    expect(taken).toEqual(['$b', '$a', undefined]);
  });

  it('works from memory without memos (an adapter built alone)', async () => {
    const reactions = new SealedReactions(undefined, silent);
    await reactions.remember('!r:x', '$m', '👍', '$a');
    expect(await reactions.take('!r:x', '$m', '👍')).toBe('$a');
  });
});
