/**
 * WAL checkpoints on their own thread (src/core/store/checkpointer.ts): the main connection
 * never checkpoints while the thread runs, the WAL is copied into the database file and starts
 * over, a failed thread hands checkpoints back to SQLite, and a writer killed mid-run (no final
 * checkpoint) loses no acknowledged commit and leaves no lock behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { StoreBusyError } from '../../../src/core/errors.js';
import type { CheckpointStats } from '../../../src/core/store/checkpointer.js';
import {
  GroupCommit,
  openCoreDatabase,
  type CoreDatabase,
} from '../../../src/core/store/database.js';
import { spawnSource } from '../../peers/gateway-spawn.js';
import { tempDir } from '../../support/core.js';
import { eventually } from '../../support/eventually.js';
import { storeWriterRow } from '../../support/store-writer-rows.js';

const small = {
  startAtBytes: 0,
  fromBytes: 64 * 1024,
  intervalMs: 10,
  restartBytes: 256 * 1024,
  limitBytes: 1 << 20,
};

/** sha256 over the rows of `db` in key order, and their count. */
function digest(db: CoreDatabase): { rows: number; sha256: string } {
  const rows = db.prepare("SELECT key, value FROM meta WHERE key LIKE 'row-%' ORDER BY key").all();
  const hash = createHash('sha256');
  for (const row of rows as { key: string; value: string }[])
    hash.update(`${row.key}=${row.value}\n`);
  return { rows: rows.length, sha256: hash.digest('hex') };
}

function expectedDigest(count: number): { rows: number; sha256: string } {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i += 1) {
    const row = storeWriterRow(i);
    hash.update(`${row.key}=${row.value}\n`);
  }
  return { rows: count, sha256: hash.digest('hex') };
}

const copiedAndRestarted = (s: CheckpointStats | undefined) =>
  s !== undefined && s.checkpoints >= 3 && s.walRestarts + s.forced >= 1;

describe('WAL checkpoints on a thread', () => {
  it('copies the WAL into the database file and starts it over while the main thread only commits', async () => {
    const dir = tempDir();
    const db = openCoreDatabase(dir, { checkpoints: 'thread', checkpointOptions: small });
    await eventually(() => db.checkpointStats()?.running, { what: 'the checkpoint thread' });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const file = join(dir, 'multichat.db');
    const sizeAtStart = statSync(file).size;
    const commit = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    let written = 0;
    // One commit per turn until the thread has copied pages and the WAL started over.
    while (!copiedAndRestarted(db.checkpointStats()) && written < 20_000) {
      const row = storeWriterRow(written);
      await commit.run(() => insert.run(row.key, row.value)).committed;
      written += 1;
    }
    expect(db.checkpointStats()).toMatchObject({ running: true, busy: expect.any(Number) });
    expect(copiedAndRestarted(db.checkpointStats())).toBe(true);
    // Only a checkpoint writes the database file, and the main connection runs none.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(sizeAtStart);
    db.close();
    // The thread's connection closed first: the store's was the last, copied the rest, removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = openCoreDatabase(dir, { checkpoints: 'inline' });
    expect(digest(again)).toEqual(expectedDigest(written));
    again.close();
  });

  it('copies nothing while the WAL is under fromBytes (each full copy costs the next commit a sync)', async () => {
    const dir = tempDir();
    const db = openCoreDatabase(dir, {
      checkpoints: 'thread',
      checkpointOptions: { ...small, fromBytes: 4 << 20 },
    });
    await eventually(() => db.checkpointStats()?.running, { what: 'the checkpoint thread' });
    const file = join(dir, 'multichat.db');
    const sizeAtStart = statSync(file).size;
    const commit = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    for (let i = 0; i < 50; i += 1) {
      const row = storeWriterRow(i);
      await commit.run(() => insert.run(row.key, row.value)).committed;
      // Commits spaced by thread rounds: the quiet relay's pattern.
      const rounds = db.checkpointStats()?.rounds ?? 0;
      await eventually(() => (db.checkpointStats()?.rounds ?? 0) > rounds, { what: 'a round' });
    }
    expect(db.checkpointStats()).toMatchObject({ checkpoints: 0, walRestarts: 0, forced: 0 });
    expect(statSync(file).size).toBe(sizeAtStart);
    db.close();
    const again = openCoreDatabase(dir, { checkpoints: 'inline' });
    expect(digest(again)).toEqual(expectedDigest(50));
    again.close();
  });

  it('hands checkpoints back to SQLite when the thread dies', async () => {
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_: unknown, m?: string) => warnings.push(m ?? ''),
    };
    const db = openCoreDatabase(tempDir(), { checkpointOptions: small, logger });
    await eventually(() => db.checkpointStats()?.running, { what: 'the checkpoint thread' });
    const { worker } = db.checkpointer as unknown as { worker: Worker };
    await worker.terminate();
    await eventually(() => db.pragma('wal_autocheckpoint', { simple: true }) === 4000, {
      what: 'inline checkpoints again',
    });
    expect(db.checkpointStats()?.running).toBe(false);
    expect(warnings).toEqual(['store: checkpoint thread failed; checkpoints inline']);
    db.prepare("INSERT INTO meta (key, value) VALUES ('after', 'yes')").run();
    db.close();
  });

  it('a writer killed mid-run keeps every acknowledged commit, and its lock goes with it', async () => {
    const dir = tempDir();
    const child = spawnSource('test/support/store-writer-child.ts', [dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let committed = -1;
    let stats: CheckpointStats | undefined;
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('committed ')) committed = Number(line.slice(10));
        else if (line.startsWith('stats ')) stats = JSON.parse(line.slice(6)) as CheckpointStats;
      }
    });
    try {
      await eventually(() => committed >= 1000 && copiedAndRestarted(stats), {
        what: '1,000 commits with the WAL copied and started over',
        timeoutMs: 45_000,
      });
      // Another process holds the store.
      expect(() => openCoreDatabase(dir, { checkpoints: 'inline' })).toThrow(StoreBusyError);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const lastAcknowledged = committed;
    const db = openCoreDatabase(dir, { checkpoints: 'inline' });
    const found = digest(db);
    db.close();
    // Every acknowledged row, and nothing but whole rows in order (a commit may have landed
    // after its line was printed).
    expect(found.rows).toBeGreaterThanOrEqual(lastAcknowledged + 1);
    expect(found).toEqual(expectedDigest(found.rows));
  });
});
