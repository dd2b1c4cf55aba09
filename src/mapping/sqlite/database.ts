import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlRow } from '../sql/db.js';

type Statement = Database.Statement<unknown[], SqlRow>;

/**
 * The page cache of the mapping store, in KiB: SQLite's own default (2,000 KiB), not the 16 MB
 * better-sqlite3 builds in. The cache fills to its limit as the file grows and stays in RSS; this
 * store's hot pages (the people and links, the newest mappings and deliveries) fit in 2 MiB, and
 * a miss is read from the OS's file cache. In `bench/memory-people.ts` (10,000 people, 1,000
 * channels, a 12 MB file) 2 MiB took malloc's main arena from 41-58 to 30-34 MB at the same CPU.
 */
export const MAPPING_CACHE_KIB = 2048;

/** Runs statements directly on the connection, caching prepared statements by SQL text. */
class DirectExecutor implements SqlExecutor {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Database.Database) {}

  prepare(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], SqlRow>(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  all(sql: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    const stmt = this.prepare(sql);
    if (stmt.reader) return Promise.resolve(stmt.all(...params));
    stmt.run(...params);
    return Promise.resolve([]);
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return Promise.resolve(this.prepare(sql).run(...params).changes);
  }

  exec(sql: string): Promise<void> {
    this.db.exec(sql);
    return Promise.resolve();
  }
}

/** A FIFO of calls; shared by every connection of this process to one file. */
interface Queue {
  tail: Promise<unknown>;
  users: number;
}
const queues = new Map<string, Queue>();

/**
 * better-sqlite3 behind the async SqlDatabase surface. Calls are queued: a transaction spans
 * awaits, and a statement from another caller must not land inside it (it would commit or roll
 * back with it). The queue is per FILE, not per connection: better-sqlite3 blocks the thread
 * while it waits for a lock, so a second connection in this process waiting on the first one's
 * open transaction would wait for ever. Other processes are handled by busy_timeout.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  private readonly direct: DirectExecutor;
  private readonly queue: Queue;

  private constructor(
    private readonly db: Database.Database,
    private readonly key: string | undefined,
  ) {
    this.direct = new DirectExecutor(db);
    const shared = key === undefined ? undefined : queues.get(key);
    this.queue = shared ?? { tail: Promise.resolve(), users: 0 };
    this.queue.users++;
    if (key !== undefined && !shared) queues.set(key, this.queue);
  }

  /**
   * Opens (creating the folder if needed) with WAL and synchronous=NORMAL: a commit survives a
   * process crash; an OS crash may lose the last commits but never corrupts the file.
   */
  static open(path: string, cacheKiB = MAPPING_CACHE_KIB): SqliteDatabase {
    const memory = path === ':memory:';
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${Math.max(1, Math.round(cacheKiB))}`);
    return new SqliteDatabase(db, memory ? undefined : resolve(path));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.tail.then(fn);
    this.queue.tail = result.catch(() => undefined);
    return result;
  }

  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.serial(() => this.direct.all(sql, params));
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.serial(() => this.direct.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.serial(() => this.direct.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      // IMMEDIATE takes the write lock up front, so another process cannot make us fail midway.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  private closing: Promise<void> | undefined;

  /** Closes after the calls queued before it; later calls fail. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.serial(() => {
      this.db.close();
      if (--this.queue.users === 0 && this.key !== undefined) queues.delete(this.key);
      return Promise.resolve();
    });
    return this.closing;
  }
}
