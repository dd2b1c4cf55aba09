/**
 * Opens the core SQLite database and provides group commit.
 *
 * Writes run inside one open transaction that is committed on the next turn of the event loop,
 * so a burst of intents costs one fsync-free WAL commit instead of one each. A caller's promise
 * resolves only after the commit that holds its write: nothing acknowledged is ever lost.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StoreBusyError, StoreFormatError } from '../errors.js';
import type { CoreLogger } from '../options.js';
import { span } from '../spans.js';
import {
  INLINE_AUTOCHECKPOINT,
  WalCheckpointer,
  type CheckpointOptions,
  type CheckpointStats,
} from './checkpointer.js';
import { idPrefix } from './id-prefix.js';
import { coreMigrations } from './migrations.js';
import { lockStore, type StoreLock } from './store-lock.js';

/**
 * Version of the stored log form. 2: an entry's id is the hash of its signed bytes and only
 * the newest entry of a batch carries a signature. Format 1 (pre-release: ids covered the
 * signature) cannot be converted, since every `prev` link names a format-1 id.
 */
const LOG_FORMAT = '2';

export type Db = Database.Database;

/** Where the store's WAL checkpoints run. */
export type CheckpointMode = 'thread' | 'inline';

export interface CoreDatabaseOptions {
  /**
   * 'thread': on a worker thread with its own connection (checkpointer.ts). 'inline': SQLite's
   * automatic checkpoint inside a commit, with exclusive locking (what 0.3 did). Default: the
   * environment variable MULTICHAT_WAL_CHECKPOINTS=inline, else 'thread'.
   */
  readonly checkpoints?: CheckpointMode;
  readonly checkpointOptions?: CheckpointOptions;
  readonly logger?: CoreLogger;
}

/** The store's connection: closing it ends the checkpoint thread, then releases the lock. */
export class CoreDatabase extends Database {
  checkpointer: WalCheckpointer | undefined;

  constructor(
    file: string,
    private readonly lock: StoreLock,
  ) {
    super(file, { timeout: 1000 });
  }

  /** What the checkpoint thread did; undefined with inline checkpoints. */
  checkpointStats(): CheckpointStats | undefined {
    return this.checkpointer?.stats();
  }

  override close(): this {
    this.checkpointer?.stop();
    super.close();
    this.lock.release();
    return this;
  }
}

export function openCoreDatabase(dataDir: string, options: CoreDatabaseOptions = {}): CoreDatabase {
  mkdirSync(dataDir, { recursive: true });
  const mode =
    options.checkpoints ??
    (process.env['MULTICHAT_WAL_CHECKPOINTS'] === 'inline' ? 'inline' : 'thread');
  const file = join(dataDir, 'multichat.db');
  // One process owns a data directory: the node caches log heads and state in memory, so a
  // second writer would corrupt it (store-lock.ts).
  const lock = lockStore(dataDir);
  let db: CoreDatabase;
  try {
    db = new CoreDatabase(file, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    // Ids are hashes, so a batch of inserts dirties pages all over three indexes, and a commit
    // writes each dirty page to the WAL with its own write call. 8 KiB pages halve the calls
    // of a 500-entry commit against 4 KiB (16 KiB saves a little more there, but makes the
    // one-entry commits of live traffic dearer). Only takes effect on a new database.
    db.pragma('page_size = 8192');
    // Exclusive locking spares two file locks per commit, but allows no second connection:
    // only when checkpoints run inline. It also refuses a version that predates the lock file.
    if (mode === 'inline') db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreBusyError(`${dataDir} is in use by another multichat process`, {
        cause: error,
      });
    }
    throw error;
  }
  db.pragma('synchronous = NORMAL');
  // Inline (and until the checkpoint thread runs): checkpoint every 32 MiB of WAL instead of
  // 8 MiB: index pages rewritten by many commits are copied into the database once instead of
  // several times (a catch-up writes ~30% less), and the WAL file is cut back to that size
  // afterwards (journal_size_limit; also after the thread's checkpoints).
  db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT}`);
  db.pragma('journal_size_limit = 33554432');
  // Deleted message content must be gone from the file, not only unlinked from the b-tree.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  // Ids are hashes, so inserts land all over the indexes: a page cache above SQLite's 2 MiB keeps
  // them warm. 16 MiB, not 64: the cache fills to its limit as the store grows and stays in RSS
  // (64 MiB took a gateway with 10,000 bridged people from 185 to 233 MB, bench/memory-people.ts),
  // and 60,000 writes by 300 authors ran at the same speed with either. An import sets its own,
  // larger cache (NodeOptions.cacheMiB).
  db.pragma('cache_size = -16384');
  db.pragma('temp_store = MEMORY');
  // Migration 4 derives the prefixes of stored ids; the sync server's content join uses it too.
  db.function('id_prefix', { deterministic: true }, (id: unknown) =>
    typeof id === 'string' ? idPrefix(id) : null,
  );
  try {
    ensureSchema(db);
    checkLogFormat(db, dataDir);
  } catch (error) {
    db.close();
    throw error;
  }
  if (mode === 'thread') {
    db.checkpointer = new WalCheckpointer(db, file, options.checkpointOptions, options.logger);
  }
  return db;
}

function checkLogFormat(db: Db, dataDir: string): void {
  const format = db.prepare("SELECT value FROM meta WHERE key = 'log_format'").pluck().get();
  if (format === LOG_FORMAT) return;
  const hasEntries = db.prepare('SELECT 1 FROM entries LIMIT 1').get() !== undefined;
  if (format !== undefined || hasEntries) {
    throw new StoreFormatError(
      `${dataDir} holds logs in format ${String(format ?? 1)}, and this version reads format ${LOG_FORMAT}; ` +
        'start with an empty data directory (peers send the history again)',
    );
  }
  db.prepare("INSERT INTO meta (key, value) VALUES ('log_format', ?)").run(LOG_FORMAT);
}

function ensureSchema(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let index = version; index < coreMigrations.length; index += 1) {
    db.transaction(() => {
      db.exec(coreMigrations[index] as string);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}

/**
 * How long a transaction that holds only bulk writes (a catch-up) may stay open, and how many
 * entries it may hold. Each commit rewrites every index page its inserts touched, and with
 * hash-keyed indexes a large batch touches most of them: the more entries a commit holds, the
 * fewer bytes it writes per entry (the gap grows with the size of the store). But every entry
 * of the open transaction stays decoded in memory until the commit (its events follow the
 * commit), and V8 sizes its next heap limit on what is live, so this count sets the catching-up
 * process's peak RSS. bench/catchup.ts, 100k entries (A/B, one sitting, machine loaded):
 * 8,192 entries per commit peaked at 281-322 MB and wrote 2.9-3.3 KB per entry; 2,048 at
 * 254-266 MB, 3.7-4.2 KB; 1,024 at 244-248 MB, 4.4-4.7 KB; client CPU per entry the same
 * within the noise. On a 300k catch-up the bytes were 4.4 / 7.2 / 8.1 KB per entry. The price
 * shows on a large backlog: a 1M catch-up with 1,024 (and the sync client's slices) wrote 21.0-
 * 21.3 KB per entry against 15.4-15.6 with 8,192 and took 102-124 µs of CPU per entry against
 * 81-90 (two pairs; peak 255-263 MB against 323-330). One run each: 2,048 took 104 µs and
 * wrote 18.2 KB (peak 266 MB); the slices alone, with 8,192, 88 µs and 15.2 KB (peak 314 MB).
 */
const BULK_COMMIT_MS = 500;
export const BULK_COMMIT_ENTRIES = 1024;

/** Options of one write. */
export interface WriteOptions {
  /**
   * The write is part of a bulk transfer and holds this many entries: its commit may wait for
   * more (up to BULK_COMMIT_MS). Any other write in the same transaction commits it at once.
   */
  readonly bulk?: number;
}

/** Batches writes into one transaction per event-loop turn (longer for bulk writes only). */
export class GroupCommit {
  private open = false;
  private bulkEntries = 0;
  private mostBulkEntries = 0;
  private bulkTimer: NodeJS.Timeout | undefined;
  private immediate = false;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private afterCommit: Array<() => void> = [];
  private readonly statements;

  /**
   * `onRollback` runs when a write or a commit is undone: caches of the state must go.
   * `beforeCommit` runs inside the transaction right before it commits (batch signatures).
   */
  constructor(
    private readonly db: Db,
    private readonly onRollback: () => void = () => undefined,
    private readonly beforeCommit: () => void = () => undefined,
  ) {
    // One reusable savepoint name, and prepared BEGIN/COMMIT: a prepared statement is much
    // cheaper than exec() parsing the SQL again for every write and every commit.
    this.statements = {
      begin: db.prepare('SAVEPOINT w'),
      release: db.prepare('RELEASE w'),
      rollback: db.prepare('ROLLBACK TO w'),
      beginTransaction: db.prepare('BEGIN IMMEDIATE'),
      commitTransaction: db.prepare('COMMIT'),
    };
  }

  /**
   * Runs `write` inside the open transaction (under a savepoint, so a throwing write leaves no
   * trace) and returns a promise that settles when that transaction commits. `onCommitted` runs
   * after the commit, in order: the place for events that must not announce unsaved state.
   */
  run<T>(
    write: () => T,
    onCommitted?: (value: T) => void,
    options: WriteOptions = {},
  ): { value: T; committed: Promise<void> } {
    span('core.write');
    if (!this.open) {
      this.statements.beginTransaction.run();
      this.open = true;
      if (options.bulk !== undefined) {
        this.bulkTimer = setTimeout(() => this.commit(), BULK_COMMIT_MS);
      }
    }
    if (options.bulk === undefined) this.commitSoon();
    else {
      this.bulkEntries += options.bulk;
      this.mostBulkEntries = Math.max(this.mostBulkEntries, this.bulkEntries);
      if (this.bulkEntries >= BULK_COMMIT_ENTRIES) this.commitSoon();
    }
    this.statements.begin.run();
    let value: T;
    try {
      value = write();
      this.statements.release.run();
    } catch (error) {
      this.statements.rollback.run();
      this.statements.release.run();
      this.onRollback();
      throw error;
    }
    if (onCommitted) this.afterCommit.push(() => onCommitted(value));
    const committed = new Promise<void>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    );
    return { value, committed };
  }

  /**
   * The most bulk entries one transaction has held uncommitted (decoded in memory until it
   * commits): at most BULK_COMMIT_ENTRIES plus what the writer added in the same turn.
   */
  get mostHeldBulkEntries(): number {
    return this.mostBulkEntries;
  }

  /** Commits on the next turn of the event loop. */
  private commitSoon(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => {
      this.immediate = false;
      this.commit();
    });
  }

  /** Commits now (also used by stop()). */
  commit(): void {
    if (!this.open) return;
    clearTimeout(this.bulkTimer);
    this.bulkTimer = undefined;
    this.bulkEntries = 0;
    const waiters = this.waiters;
    const after = this.afterCommit;
    this.waiters = [];
    this.afterCommit = [];
    this.open = false;
    try {
      span('core.commit');
      this.beforeCommit();
      span('core.signed');
      this.statements.commitTransaction.run();
      span('core.committed');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.onRollback();
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
    for (const callback of after) callback();
    span('core.published');
  }
}
