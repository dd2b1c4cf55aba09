/**
 * The MappingStore contract against a real PostgreSQL started from Debian's binaries. Each test
 * gets an empty schema (dropped and recreated), so every test also migrates from nothing.
 * Without PostgreSQL the suite is skipped — except in CI, where that is a failure.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMappingStore } from '../../src/mapping/index.js';
import { ensureSchema } from '../../src/mapping/sql/migrate.js';
import { PostgresDatabase } from '../../src/mapping/postgres/database.js';
import { postgresMigrations } from '../../src/mapping/postgres/migrations/index.js';
import { describeMappingStoreContract } from '../contracts/mapping-store.js';
import { findPostgresBin, startPostgres } from '../peers/postgres.js';
import type { PostgresPeer } from '../peers/postgres.js';

const bin = findPostgresBin();
if (!bin && process.env.CI === 'true') {
  throw new Error('PostgreSQL binaries are missing in CI: run .ci/install-postgres.sh first');
}

if (!bin) {
  describe('MappingStore contract: postgres', () => {
    it.skip('skipped: PostgreSQL is not installed (apt-get install postgresql, or .ci/install-postgres.sh)', () => {});
  });
} else {
  let peer: PostgresPeer;
  let admin: pg.Client;

  beforeAll(async () => {
    peer = await startPostgres();
    admin = new pg.Client({ connectionString: peer.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await peer?.stop();
  });

  describeMappingStoreContract(
    'postgres',
    (options) => createMappingStore({ kind: 'postgres', url: peer.url, poolSize: 4, ...options }),
    async () => {
      await admin.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    },
  );

  describe('postgres migrations', () => {
    it('applying twice is a no-op, also when two gateways migrate at once', async () => {
      await admin.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      const a = await PostgresDatabase.open(peer.url, 2);
      const b = await PostgresDatabase.open(peer.url, 2);
      try {
        const [ra, rb] = await Promise.all([
          ensureSchema(a, postgresMigrations, Date.now),
          ensureSchema(b, postgresMigrations, Date.now),
        ]);
        const all = postgresMigrations.map((m) => m.version);
        // Each version is applied by exactly one of the two.
        expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(all);
        expect(await ensureSchema(a, postgresMigrations, Date.now)).toEqual([]);
        const rows = await a.all('SELECT version FROM schema_version');
        expect(rows.map((r) => Number(r.version))).toEqual(all);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
