/**
 * Contract cases for adapters' memos (facts kept across restarts: a rootless thread's root, a
 * reaction line's id), run inside `describeMappingStoreContract` for SQLite and PostgreSQL alike.
 */
import { describe, expect, it } from 'vitest';
import { MemoTextError } from '../../src/mapping/index.js';
import type { MappingStore, MappingStoreOptions, NetworkName } from '../../src/mapping/index.js';

export function describeMemos(
  store: (options?: MappingStoreOptions) => Promise<MappingStore>,
  reopen: (s: MappingStore) => Promise<MappingStore>,
): void {
  const net = (s: string) => s as NetworkName;

  describe('memos', () => {
    it('keeps one value per (network, kind, key); a later set replaces it', async () => {
      const s = await store();
      expect(await s.memos.get(net('discord'), 'thread-root', 't1')).toBeUndefined();
      await s.memos.set(net('discord'), 'thread-root', 't1', '');
      await s.memos.set(net('discord'), 'thread-root', 't1', 'm1');
      await s.memos.set(net('discord'), 'reaction-line', 't1', 'other kind');
      await s.memos.set(net('discord2'), 'thread-root', 't1', 'other network');
      expect(await s.memos.get(net('discord'), 'thread-root', 't1')).toBe('m1');
      expect(await s.memos.get(net('discord'), 'reaction-line', 't1')).toBe('other kind');
      expect(await s.memos.get(net('discord2'), 'thread-root', 't1')).toBe('other network');
    });

    it('deletes only the named memo and says whether there was one', async () => {
      const s = await store();
      await s.memos.set(net('slack'), 'reaction-line', 'a\t👍\tu1', '171.001');
      await s.memos.set(net('slack'), 'reaction-line', 'a\t👍\tu2', '171.002');
      expect(await s.memos.delete(net('slack'), 'reaction-line', 'a\t👍\tu1')).toBe(true);
      expect(await s.memos.delete(net('slack'), 'reaction-line', 'a\t👍\tu1')).toBe(false);
      expect(await s.memos.get(net('slack'), 'reaction-line', 'a\t👍\tu1')).toBeUndefined();
      expect(await s.memos.get(net('slack'), 'reaction-line', 'a\t👍\tu2')).toBe('171.002');
    });

    it('refuses a NUL character in kind, key or value on both dialects', async () => {
      const s = await store();
      await expect(
        s.memos.set(net('slack'), 'reaction-line', 'a\u0000b', 'v'),
      ).rejects.toBeInstanceOf(MemoTextError);
      await expect(
        s.memos.set(net('slack'), 'reaction-line', 'k', 'v\u0000'),
      ).rejects.toBeInstanceOf(MemoTextError);
      expect(await s.memos.get(net('slack'), 'reaction-line', 'k')).toBeUndefined();
    });

    it('survives close and reopen', async () => {
      let s = await store();
      await s.memos.set(net('discord'), 'thread-root', 't9', 'root-9');
      s = await reopen(s);
      expect(await s.memos.get(net('discord'), 'thread-root', 't9')).toBe('root-9');
    });
  });
}
