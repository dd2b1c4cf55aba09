import { SchemaTooNewError } from '../errors.js';
import type { Migration, SqlDatabase, SqlExecutor } from './db.js';

/**
 * Serialises schema changes between gateways sharing one PostgreSQL database (a transaction
 * advisory lock, released at commit). SQLite needs none: BEGIN IMMEDIATE already locks the file.
 */
const PG_MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(474700601)';

async function lock(db: SqlDatabase, tx: SqlExecutor): Promise<void> {
  if (db.dialect === 'postgres') await tx.all(PG_MIGRATION_LOCK);
}

async function currentVersion(tx: SqlExecutor): Promise<number> {
  const rows = await tx.all('SELECT MAX(version) AS v FROM schema_version');
  const v = rows[0]?.v;
  return v === null || v === undefined ? 0 : Number(v);
}

/**
 * Brings the schema up to the newest of `migrations`: each newer migration runs in its own
 * transaction together with its `schema_version` row, so a crash leaves the database at a
 * known version. Running it again applies nothing. Returns the versions it applied.
 * Throws SchemaTooNewError when the database is ahead of this build.
 */
export async function ensureSchema(
  db: SqlDatabase,
  migrations: readonly Migration[],
  now: () => number,
): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const known = sorted.at(-1)?.version ?? 0;
  const bigint = db.dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  await db.transaction(async (tx) => {
    await lock(db, tx);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_version (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${bigint} NOT NULL)`,
    );
  });
  const applied: number[] = [];
  for (const m of sorted) {
    const done = await db.transaction(async (tx) => {
      await lock(db, tx);
      // Re-read inside the lock: another gateway may have applied it meanwhile.
      const version = await currentVersion(tx);
      if (version > known) throw new SchemaTooNewError(version, known);
      if (version >= m.version) return false;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        now(),
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  if (sorted.length === 0) {
    const version = await currentVersion(db);
    if (version > known) throw new SchemaTooNewError(version, known);
  }
  return applied;
}
