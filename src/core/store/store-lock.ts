/**
 * One process owns a data directory's store: the node caches log heads and state in memory, so
 * a second writer would corrupt it. The store's own connection cannot say so any more (it gives
 * up SQLite's exclusive locking mode so that the checkpoint thread can open a second
 * connection), so the owner holds an exclusive SQLite lock on a separate, empty file,
 * `multichat.lock`, for as long as the store is open.
 *
 * Why SQLite and not a pid file: SQLite's lock is an fcntl lock, which the kernel drops when the
 * process dies (kill -9 leaves nothing stale to clean up), and SQLite also refuses a second
 * connection of the same process (two nodes opened on one directory in one test).
 */
import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StoreBusyError } from '../errors.js';

export const LOCK_FILE = 'multichat.lock';

export interface StoreLock {
  release(): void;
}

/** Takes the lock of `dataDir` (waiting up to `timeoutMs` for an exiting owner), or throws StoreBusyError. */
export function lockStore(dataDir: string, timeoutMs = 1000): StoreLock {
  const path = join(dataDir, LOCK_FILE);
  // Created here so that it is private from the start, like every other file of the data dir.
  closeSync(openSync(path, 'a', 0o600));
  const lock = new Database(path, { timeout: timeoutMs });
  try {
    // Nothing is ever written: an open exclusive transaction is only the lock (with no journal
    // file beside it). Closing the connection, or the end of the process, ends it.
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreBusyError(`${dataDir} is in use by another multichat process`, {
        cause: error,
      });
    }
    throw error;
  }
  return { release: () => lock.close() };
}
