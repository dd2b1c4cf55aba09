import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlRow } from '../sql/db.js';

const placeholders = new Map<string, string>();

/**
 * Rewrites `?` placeholders to `$1…$n`. The repositories' SQL never has `?` inside literals or
 * identifiers, so a plain scan is exact. Cached: the same few statements run all the time.
 */
export function toPgPlaceholders(sql: string): string {
  let out = placeholders.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    placeholders.set(sql, out);
  }
  return out;
}

type Queryable = pg.Pool | pg.PoolClient;

class PgExecutor implements SqlExecutor {
  constructor(private readonly q: Queryable) {}

  async all(sql: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    const res = await this.q.query<SqlRow>(toPgPlaceholders(sql), [...params]);
    return res.rows;
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const res = await this.q.query(toPgPlaceholders(sql), [...params]);
    return res.rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    // Without parameters pg uses the simple protocol, which accepts several statements.
    await this.q.query(sql);
  }
}

/** A pg Pool behind SqlDatabase: plain calls take any pooled connection, a transaction one. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly pooled: PgExecutor;

  constructor(private readonly pool: pg.Pool) {
    this.pooled = new PgExecutor(pool);
  }

  /** Connects once so a wrong URL fails at init(), not at the first delivery. */
  static async open(url: string, poolSize = 10): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle client losing its connection must not crash the process; the next query retries.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresDatabase(pool);
  }

  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.pooled.all(sql, params);
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.pooled.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.pooled.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // pg-pool listens for a client's 'error' only while it is idle: a connection that dies
    // between two statements of a checked-out client would crash the process (PostgreSQL
    // restarted under load). The statement in progress fails on its own; drop the client.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection itself failed: drop it from the pool instead of reusing it.
        broken = true;
      }
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
