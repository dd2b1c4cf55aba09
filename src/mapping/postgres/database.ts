import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlRow } from '../sql/db.js';
import { classified, connectRidingOut, isConnectionLoss } from './ride-out.js';

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

class PgExecutor implements SqlExecutor {
  constructor(private readonly q: pg.PoolClient) {}

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

/**
 * A pg Pool behind SqlDatabase: every call takes a pooled connection (waiting out a PostgreSQL
 * restart, ./ride-out.ts), a transaction keeps one for its statements.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';

  constructor(private readonly pool: pg.Pool) {}

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
    return this.withClient((q) => q.all(sql, params));
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.withClient((q) => q.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.withClient((q) => q.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.withClient(async (q, client, drop) => {
      await client.query('BEGIN');
      try {
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A failed ROLLBACK means the connection is gone: do not reuse it.
        await client.query('ROLLBACK').catch(drop);
        throw err;
      }
    });
  }

  /**
   * Runs `fn` on one checked-out connection; a connection that failed is not reused. A failure
   * a restart causes reaches the caller as StoreUnavailableError (../errors.ts), so callers
   * that must not lose work can tell it from a refused statement and try again.
   */
  private async withClient<T>(
    fn: (q: PgExecutor, client: pg.PoolClient, drop: () => void) => Promise<T>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await connectRidingOut(this.pool);
    } catch (err) {
      throw classified(err);
    }
    let broken = false;
    // pg-pool listens for a client's 'error' only while it is idle: a connection that dies
    // while checked out would crash the process (PostgreSQL restarted under load). The
    // statement in progress fails on its own; the client is dropped.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      return await fn(new PgExecutor(client), client, onError);
    } catch (err) {
      if (isConnectionLoss(err)) broken = true;
      throw classified(err);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
