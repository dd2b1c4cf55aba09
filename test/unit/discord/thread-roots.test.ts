/**
 * Discord thread roots: messages of a thread are carried as a thread, with a root message the
 * other networks know, for threads started from a message, forum posts and threads started
 * without a message — the last also across a restart (kept as a memo in the mapping store).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessageId } from '../../../src/bridges/discord/ids.js';
import { ThreadRoots } from '../../../src/bridges/discord/thread-roots.js';
import type { AdapterMemos, ExternalMessageId, NetworkName } from '../../../src/bridges/types.js';
import { silentLogger } from '../../../src/core/options.js';
import { createMappingStore, type MappingStore } from '../../../src/mapping/index.js';
import { tempDir } from '../../support/core.js';

const T = '300000000000000001';
const id = (message: string) => encodeMessageId(message, T);
const memoryOnly = () => new ThreadRoots(undefined, silentLogger);

const stores: MappingStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** The memos the runtime gives the adapter named `discord`, over a real SQLite store. */
async function memosAt(path: string): Promise<AdapterMemos> {
  const store = await createMappingStore({ kind: 'sqlite', path });
  await store.init();
  stores.push(store);
  const net = 'discord' as NetworkName;
  return {
    get: (kind, key) => store.memos.get(net, kind, key),
    set: (kind, key, value) => store.memos.set(net, kind, key, value),
    delete: (kind, key) => store.memos.delete(net, kind, key),
  };
}

describe('ThreadRoots', () => {
  it('a thread started from a message has that message (the thread id, in the parent) as root', async () => {
    const roots = memoryOnly();
    expect(await roots.forMessage(T, id('300000000000000002'), false)).toBe(T as ExternalMessageId);
  });

  it("a forum post's first message is the root; later messages of the post name it", async () => {
    const roots = memoryOnly();
    // The post's first message has the thread's id.
    expect(await roots.forMessage(T, id(T), true)).toBeUndefined();
    expect(await roots.forMessage(T, id('300000000000000005'), true)).toBe(id(T));
    expect(await roots.rootOf(T, true)).toBe(id(T));
  });

  it('a thread started without a message: its first message becomes the root', async () => {
    const roots = memoryOnly();
    await roots.startedWithoutMessage(T);
    expect(await roots.rootOf(T, false)).toBeUndefined();
    const first = id('300000000000000007');
    expect(await roots.forMessage(T, first, false)).toBeUndefined();
    expect(await roots.forMessage(T, id('300000000000000008'), false)).toBe(first);
    // A repeated notice does not forget the root.
    await roots.startedWithoutMessage(T);
    expect(await roots.rootOf(T, false)).toBe(first);
  });

  it('the notice and the first message keep their order while the store is asked', async () => {
    const roots = new ThreadRoots(await memosAt(join(tempDir(), 'mapping.db')), silentLogger);
    const first = id('300000000000000007');
    // Called back to back, as the gateway delivers them: neither is awaited before the other.
    const notice = roots.startedWithoutMessage(T);
    const root = roots.forMessage(T, first, false);
    await notice;
    expect(await root).toBeUndefined();
    expect(await roots.forMessage(T, id('300000000000000008'), false)).toBe(first);
  });

  it("a rootless thread's root survives a restart (a new ThreadRoots over the same store)", async () => {
    const path = join(tempDir(), 'mapping.db');
    const before = new ThreadRoots(await memosAt(path), silentLogger);
    await before.startedWithoutMessage(T);
    const first = id('300000000000000007');
    expect(await before.forMessage(T, first, false)).toBeUndefined();
    for (const s of stores.splice(0)) await s.close();

    const after = new ThreadRoots(await memosAt(path), silentLogger);
    expect(await after.forMessage(T, id('300000000000000009'), false)).toBe(first);
    // Without the memo it would read as a thread started from a message (the thread id).
    const memoryAfter = memoryOnly();
    expect(await memoryAfter.forMessage(T, id('300000000000000009'), false)).toBe(T);
  });
});
