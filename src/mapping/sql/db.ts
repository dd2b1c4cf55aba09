/**
 * The small SQL surface the repositories are written against, so the same queries serve SQLite
 * and PostgreSQL. Queries use `?` placeholders; the PostgreSQL driver rewrites them to `$n`.
 * Only SQL both dialects accept is used (ON CONFLICT, RETURNING, window functions).
 */

/** A bound parameter: both drivers take these as they are. */
export type SqlParam = string | number | null;

/** A row as a driver returns it; numbers may come back as strings from PostgreSQL BIGINT. */
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** Runs one statement and returns its rows (empty for statements without RETURNING). */
  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Other
   * calls on this database never interleave with it (SQLite: a queue; PostgreSQL: its own
   * connection).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens a database; called by the store's init(). */
export type SqlOpener = () => Promise<SqlDatabase>;

/** A numbered migration: `sql` is a script for the dialect it belongs to. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
