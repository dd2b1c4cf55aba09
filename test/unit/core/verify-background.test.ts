/**
 * Issue 24 / issue 15: opening a large store verifies only each log's newest entries (after its
 * verified checkpoint), and the whole store is verified in the background after start. A store
 * edited behind the node's back is still refused: at open when the edit is in what comes after
 * the checkpoint, else by the background check, which logs the typed error and stops the node.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { ChainError, StoredClockError } from '../../../src/core/errors.js';
import { createNode, type NodeOptions } from '../../../src/core/index.js';
import { tempDir } from '../../support/core.js';

/** A store with `posts` messages of alice, closed. */
async function storeWith(dir: string, posts: number, options: Partial<NodeOptions> = {}) {
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0, ...options });
  const { user } = await node.createLocalUser('alice');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
  for (let i = 0; i < posts; i++)
    await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: `post ${i}` });
  await node.stop();
  return { user, channel: channel! };
}

/** Flips one byte near the end of the body of entry `seq` of the longest log; returns its id. */
function editEntry(dir: string, seq: number): string {
  const db = new Database(join(dir, 'multichat.db'));
  try {
    const row = db
      .prepare(
        `SELECT id, body FROM entries WHERE seq = ?
         AND author = (SELECT author FROM entries ORDER BY seq DESC LIMIT 1)`,
      )
      .get(seq) as {
      id: string;
      body: Buffer;
    };
    const body = Buffer.from(row.body);
    body[body.length - 3] = (body[body.length - 3] ?? 0) ^ 0xff;
    db.prepare('UPDATE entries SET body = ? WHERE id = ?').run(body, row.id);
    return row.id;
  } finally {
    db.close();
  }
}

function checkpoints(dir: string): { author: string; seq: number }[] {
  const db = new Database(join(dir, 'multichat.db'), { readonly: true });
  try {
    return db.prepare('SELECT author, seq FROM verified_heads ORDER BY author').all() as {
      author: string;
      seq: number;
    }[];
  } finally {
    db.close();
  }
}

const newestSeq = (dir: string) => {
  const db = new Database(join(dir, 'multichat.db'), { readonly: true });
  try {
    return db.prepare('SELECT MAX(seq) FROM entries').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('verifying a stored log on open and in the background', () => {
  it('moves the checkpoint to each log head, and an intact store keeps serving', async () => {
    const dir = tempDir();
    const { channel } = await storeWith(dir, 3);
    const infos: string[] = [];
    const logger = {
      debug() {},
      warn() {},
      error() {},
      info: (_: unknown, m: string) => infos.push(m),
    };
    const refused = vi.fn();
    const node = await createNode({
      dataDir: dir,
      sweepIntervalMs: 0,
      logger,
      onStoreRefused: refused,
    });
    await node.start();
    await vi.waitFor(() => expect(infos).toContain('store: every stored log verified'), {
      timeout: 15_000,
    });
    expect(refused).not.toHaveBeenCalled();
    expect(node.listMessages(channel.id).map((m) => m.text)).toEqual([
      'post 0',
      'post 1',
      'post 2',
    ]);
    await node.stop();
    // The node's own log (the local user's profile and posts live in their own logs, each checked).
    const heads = checkpoints(dir);
    expect(heads.length).toBeGreaterThan(0);
    expect(Math.max(...heads.map((h) => h.seq))).toBe(newestSeq(dir));
  });

  it('checks in the background what was stored at open, not what was written since', async () => {
    const dir = tempDir();
    const { user, channel } = await storeWith(dir, 3);
    const atOpen = newestCount(dir);
    const done: { entries: number }[] = [];
    const logger = {
      debug() {},
      warn() {},
      error() {},
      info: (o: { entries: number }, m: string) => {
        if (m === 'store: every stored log verified') done.push(o);
      },
    };
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0, logger });
    // Written (and checked by the write) before the background check starts.
    for (let i = 0; i < 4; i++)
      await node.submit(user.id, { kind: 'sendMessage', channel: channel.id, text: `new ${i}` });
    await node.start();
    await vi.waitFor(() => expect(done).toHaveLength(1), { timeout: 15_000 });
    expect(done[0]!.entries).toBe(atOpen);
    expect(node.listMessages(channel.id)).toHaveLength(7);
    await node.stop();
  });

  it('refuses at open an edit after the checkpoint', async () => {
    const dir = tempDir();
    const { user, channel } = await storeWith(dir, 1);
    // Reopen: the checkpoint is now at the head; then five more posts come after it.
    const before = newestSeq(dir);
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    for (let i = 0; i < 5; i++)
      await node.submit(user.id, { kind: 'sendMessage', channel: channel.id, text: `late ${i}` });
    await node.stop();
    expect(checkpoints(dir).some((h) => h.seq === before)).toBe(true);
    editEntry(dir, before + 2);
    await expect(createNode({ dataDir: dir, sweepIntervalMs: 0 })).rejects.toBeInstanceOf(
      ChainError,
    );
  });

  it('opens a store edited below the checkpoint, then the background check refuses it and stops the node', async () => {
    const dir = tempDir();
    const { user, channel } = await storeWith(dir, 4);
    // A first open checks the whole (small) store and records the checkpoints at the heads.
    await (await createNode({ dataDir: dir, sweepIntervalMs: 0 })).stop();
    const edited = editEntry(dir, 2);
    const errors: { err: unknown; msg: string }[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (o: { err: unknown }, msg: string) => errors.push({ err: o.err, msg }),
    };
    let refusedWith: Error | undefined;
    const node = await createNode({
      dataDir: dir,
      sweepIntervalMs: 0,
      logger,
      onStoreRefused: (e) => (refusedWith = e),
    });
    await node.start();
    await vi.waitFor(() => expect(refusedWith).toBeDefined(), { timeout: 15_000 });
    expect(refusedWith).toBeInstanceOf(ChainError);
    expect(refusedWith!.message).toContain(edited);
    expect(errors.map((e) => e.msg)).toContain(
      'store: a stored log does not verify; the node stops',
    );
    // Nothing more is served or written.
    await expect(
      node.submit(user.id, { kind: 'sendMessage', channel: channel.id, text: 'after' }),
    ).rejects.toThrow('stopping');
    // And the next open that reaches the edit refuses too: with no checkpoints left, at open.
    const db = new Database(join(dir, 'multichat.db'));
    db.prepare('DELETE FROM verified_heads').run();
    db.close();
    await expect(createNode({ dataDir: dir, sweepIntervalMs: 0 })).rejects.toBeInstanceOf(
      ChainError,
    );
  });

  it('with storeCheckAfter, begins the background check only once that settles (the gateway passes the end of its start)', async () => {
    const dir = tempDir();
    const { user, channel } = await storeWith(dir, 4);
    await (await createNode({ dataDir: dir, sweepIntervalMs: 0 })).stop();
    editEntry(dir, 2);
    let startDone: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (startDone = resolve));
    let refusedWith: Error | undefined;
    // Only setTimeout is faked: the check's own pages still yield with setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const node = await createNode({
        dataDir: dir,
        sweepIntervalMs: 0,
        storeCheckAfter: started,
        onStoreRefused: (e) => (refusedWith = e),
      });
      await node.start();
      // Long past the delay after start(), and as many turns as a check of this store takes
      // (it yields on setImmediate between pages): no check yet, the node still writes.
      await vi.advanceTimersByTimeAsync(10_000);
      for (let turn = 0; turn < 100; turn++) await new Promise((r) => setImmediate(r));
      expect(refusedWith).toBeUndefined();
      await node.submit(user.id, { kind: 'sendMessage', channel: channel.id, text: 'mid-start' });
      startDone();
      await vi.advanceTimersByTimeAsync(2_000);
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(() => expect(refusedWith).toBeInstanceOf(ChainError), { timeout: 15_000 });
  });

  it('checks only the newest 1,024 entries of a longer log without a checkpoint, the rest after start', async () => {
    const dir = tempDir();
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0, verifyOnLoad: false });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const posts = Array.from({ length: 1100 }, (_, i) =>
      node.submit(
        user.id,
        { kind: 'sendMessage', channel: channel!.id, text: `p${i}` },
        { bulk: true },
      ),
    );
    await Promise.all(posts);
    await node.commitWrites();
    await node.stop();
    // As a store written before checkpoints existed: none recorded.
    const db = new Database(join(dir, 'multichat.db'));
    db.prepare('DELETE FROM verified_heads').run();
    db.close();
    const edited = editEntry(dir, 5);
    // An open checks the newest part of the long log only: it opens, and records no checkpoint
    // for that log (the short ones are checked whole and get theirs).
    await (await createNode({ dataDir: dir, sweepIntervalMs: 0 })).stop();
    expect(checkpoints(dir).filter((h) => h.seq > 1000)).toEqual([]);
    let refusedWith: Error | undefined;
    const reopened = await createNode({
      dataDir: dir,
      sweepIntervalMs: 0,
      onStoreRefused: (e) => (refusedWith = e),
    });
    await reopened.start();
    await vi.waitFor(() => expect(refusedWith).toBeDefined(), { timeout: 15_000 });
    expect(refusedWith).toBeInstanceOf(ChainError);
    expect(refusedWith!.message).toContain(edited);
  });

  it('still refuses far-ahead clocks after the machine clock went back, though they were checked before', async () => {
    const dir = tempDir();
    const day = 86_400_000; // the hold bound (MAX_HOLD_MS) is one day
    const t0 = Date.UTC(2026, 0, 10);
    await storeWith(dir, 2, { clock: () => t0 });
    // Opened once at t0: the rows are recorded as checked, their clocks in range.
    await (await createNode({ dataDir: dir, sweepIntervalMs: 0, clock: () => t0 })).stop();
    const error = await createNode({
      dataDir: dir,
      sweepIntervalMs: 0,
      clock: () => t0 - 2 * day,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoredClockError);
    expect((error as StoredClockError).entries.length).toBe(newestCount(dir));
  });
});

function newestCount(dir: string): number {
  const db = new Database(join(dir, 'multichat.db'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM entries').pluck().get() as number;
  } finally {
    db.close();
  }
}
