/**
 * The PostgreSQL mapping store (store.kind: postgres): the server answers at store.url and its
 * schema is at the version this build migrates to. Read-only like the SQLite checks: doctor
 * never migrates (the gateway does on start), it only says what the next start will meet.
 */
import pg from 'pg';
import { postgresMigrations } from '../../mapping/postgres/migrations/index.js';
import { stripUrlCredentials } from '../config/redact.js';
import { CHECK_TIMEOUT_MS, fail, ok, warn, type CheckResult } from './types.js';

const NAME = 'postgres';

/** The newest migration this build knows: what a started gateway leaves the database at. */
export const expectedPostgresVersion = Math.max(...postgresMigrations.map((m) => m.version));

/** The database's schema version; undefined when the gateway never created it there. */
async function schemaVersion(client: pg.Client): Promise<number | undefined> {
  const table = await client.query<{ t: string | null }>(
    "SELECT to_regclass('schema_version')::text AS t",
  );
  if (table.rows[0]?.t == null) return undefined;
  const rows = await client.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_version',
  );
  const v = rows.rows[0]?.v;
  return v === null || v === undefined ? undefined : Number(v);
}

function versionResult(where: string, version: number | undefined): CheckResult {
  const expected = expectedPostgresVersion;
  if (version === undefined) {
    return ok(NAME, `${where}: connected; schema not created yet (the first start creates it)`);
  }
  if (version === expected) {
    return ok(NAME, `${where}: connected; schema at version ${version} (expected ${expected})`);
  }
  if (version < expected) {
    return warn(
      NAME,
      `${where}: schema at version ${version}, this build expects ${expected}`,
      'the next start migrates it (back the database up first)',
    );
  }
  return fail(
    NAME,
    `${where}: schema at version ${version} is newer than this build's ${expected}; the gateway will refuse to start`,
    'run the multichat version that migrated this database, or point store.url at another database',
  );
}

/** Connects to store.url and reads the schema version, within CHECK_TIMEOUT_MS. */
export async function checkPostgres(url: string): Promise<CheckResult> {
  // The password never reaches the report: it is pasted into bug reports.
  const where = stripUrlCredentials(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CHECK_TIMEOUT_MS,
    query_timeout: CHECK_TIMEOUT_MS,
  });
  // A connection lost after the check must not crash the CLI.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const reason = stripUrlCredentials((err as Error).message || String(err));
    const code = (err as { code?: string }).code;
    return fail(
      NAME,
      `${where}: cannot connect: ${code && !reason.includes(code) ? `${code} ` : ''}${reason}`,
      'check store.url (host, port, user, password, database) and that PostgreSQL is running',
    );
  }
  try {
    return versionResult(where, await schemaVersion(client));
  } catch (err) {
    return fail(
      NAME,
      `${where}: connected, but cannot read the schema version: ${stripUrlCredentials((err as Error).message)}`,
      'give the store.url user read access to the schema_version table',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
