/**
 * Repair of a store that holds poisoned clock values (see stored-clock.ts). Signed history cannot
 * be edited, so the store is rebuilt: every entry whose clock is in range is replayed, in clock
 * order, into a fresh store through the ordinary ingest, which applies exactly what this version
 * would accept from a peer. The poisoned entries are left out, and with them whatever depended on
 * them (later entries of the same log, entries naming them as a dependency). The local keys and
 * API tokens are carried over; everything else is derived from the log. The old file is kept
 * beside the new one as `multichat.db.poisoned-<time>`.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_COUNTER, MAX_HOLD_MS } from '../hlc.js';
import { unseal } from '../log.js';
import type { NodeOptions } from '../options.js';
import type { ContentHash, EntryEnvelope, EntryId, IngestResult } from '../types.js';
import { openCoreDatabase, type Db } from './database.js';
import { LogStore } from './log-store.js';
import { findPoisonedClocks, type PoisonedRow } from './stored-clock.js';

/** What the repair needs of a node: the same ingest peers go through. */
export interface ReplayTarget {
  ingest(envelopes: readonly EntryEnvelope[]): Promise<IngestResult>;
  stop(): Promise<void>;
}

export interface ClockRepairReport {
  readonly poisoned: readonly PoisonedRow[];
  /** Entries in the rebuilt store. */
  readonly kept: number;
  /** Entries left out: the poisoned ones and everything that depended on them. */
  readonly dropped: number;
  /** Where the old store file now is. */
  readonly backup: string;
}

const PAGE = 2048;
const FILES = ['multichat.db', 'multichat.db-wal', 'multichat.db-shm'];

/** Rebuilds the store of `options.dataDir` without poisoned entries; undefined when none. */
export async function repairStoredClocks(
  options: NodeOptions,
  open: (options: NodeOptions) => Promise<ReplayTarget>,
): Promise<ClockRepairReport | undefined> {
  const now = (options.clock ?? Date.now)();
  const { dataDir } = options;
  const old = openCoreDatabase(dataDir);
  const work = join(dataDir, `repair-${now}`);
  try {
    const poisoned = findPoisonedClocks(old, now);
    if (poisoned.length === 0) return undefined;
    mkdirSync(work, { mode: 0o700 });
    const key = join(dataDir, 'node.key');
    if (existsSync(key)) copyFileSync(key, join(work, 'node.key'));
    const fresh = await open({
      ...options,
      dataDir: work,
      verifyOnLoad: false,
      sweepIntervalMs: 0,
    });
    try {
      await replay(old, fresh, now);
    } finally {
      await fresh.stop();
    }
    const kept = carryLocalTables(old, work);
    const total = old.prepare('SELECT COUNT(*) FROM entries').pluck().get() as number;
    old.close();
    const backup = join(dataDir, `multichat.db.poisoned-${now}`);
    for (const file of FILES) {
      const from = join(dataDir, file);
      if (existsSync(from)) renameSync(from, backup + file.slice('multichat.db'.length));
    }
    for (const file of FILES) {
      const from = join(work, file);
      if (existsSync(from)) renameSync(from, join(dataDir, file));
    }
    chmodSync(join(dataDir, 'multichat.db'), 0o600);
    return { poisoned, kept, dropped: total - kept, backup };
  } finally {
    if (old.open) old.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Ingests every in-range entry of `old` into `fresh`, oldest clock first, a page at a time. */
async function replay(old: Db, fresh: ReplayTarget, now: number): Promise<void> {
  const ids = old
    .prepare(
      `SELECT id FROM entries
       WHERE typeof(hlc_wall) = 'integer' AND typeof(hlc_counter) = 'integer'
         AND hlc_wall BETWEEN 0 AND ? AND hlc_counter BETWEEN 0 AND ?
       ORDER BY hlc_wall, hlc_counter, id`,
    )
    .pluck()
    .all(now + MAX_HOLD_MS, MAX_COUNTER) as EntryId[];
  const log = new LogStore(old);
  for (let at = 0; at < ids.length; at += PAGE) {
    const envelopes: EntryEnvelope[] = [];
    for (const id of ids.slice(at, at + PAGE)) {
      const body = log.body(id);
      if (!body) continue;
      try {
        envelopes.push(envelopeOf(log, body));
      } catch {
        // A body that does not decode is left out like a poisoned one.
      }
    }
    await fresh.ingest(envelopes);
  }
}

function envelopeOf(log: LogStore, body: Uint8Array): EntryEnvelope {
  const { entry } = unseal(body);
  const contents = new Map<ContentHash, Uint8Array>();
  for (const r of entry.tx.creates) {
    if (r.kind !== 'message' && r.kind !== 'edit') continue;
    const content = log.content(r.data.contentHash);
    if (content) contents.set(r.data.contentHash, content);
  }
  return { entry, contents };
}

/** Copies the local keys and API tokens into the rebuilt store; returns its entry count. */
function carryLocalTables(old: Db, work: string): number {
  const keys = old.prepare('SELECT address, seed, user_id FROM local_keys').all();
  const tokens = old.prepare('SELECT token_hash, user_id, created_at FROM tokens').all();
  const db = openCoreDatabase(work);
  try {
    db.transaction(() => {
      const key = db.prepare(
        'INSERT OR IGNORE INTO local_keys (address, seed, user_id) VALUES (@address, @seed, @user_id)',
      );
      for (const row of keys) key.run(row);
      const token = db.prepare(
        'INSERT OR IGNORE INTO tokens (token_hash, user_id, created_at) VALUES (@token_hash, @user_id, @created_at)',
      );
      for (const row of tokens) token.run(row);
    })();
    return db.prepare('SELECT COUNT(*) FROM entries').pluck().get() as number;
  } finally {
    db.close();
  }
}
