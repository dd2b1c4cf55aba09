import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError } from '../../../src/mapping/errors.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { ensureSchema } from '../../../src/mapping/sql/migrate.js';
import { SqliteDatabase } from '../../../src/mapping/sqlite/database.js';
import { sqliteMigrations } from '../../../src/mapping/sqlite/migrations/index.js';
import { createSqliteMappingStore } from '../../../src/mapping/sqlite/index.js';

describe('sqlite migrations', () => {
  const dirs: string[] = [];
  const path = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-migrate-'));
    dirs.push(dir);
    return join(dir, 'nested', 'mapping.db');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('applies each migration once; applying again is a no-op', async () => {
    const db = SqliteDatabase.open(path());
    try {
      const all = sqliteMigrations.map((m) => m.version);
      expect(all[0]).toBe(1);
      expect(await ensureSchema(db, sqliteMigrations, () => 1)).toEqual(all);
      expect(await ensureSchema(db, sqliteMigrations, () => 2)).toEqual([]);
      const rows = await db.all('SELECT version, applied_at FROM schema_version ORDER BY version');
      expect(rows).toEqual(all.map((version) => ({ version, applied_at: 1 })));
    } finally {
      await db.close();
    }
  });

  it('applies only migrations newer than the database', async () => {
    const db = SqliteDatabase.open(path());
    try {
      await ensureSchema(db, sqliteMigrations, Date.now);
      const next = sqliteMigrations.length + 1;
      const extra = { version: next, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER);' };
      expect(await ensureSchema(db, [...sqliteMigrations, extra], Date.now)).toEqual([next]);
      expect(await db.all('SELECT * FROM extra')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('rolls a failing migration back and leaves the version where it was', async () => {
    const db = SqliteDatabase.open(path());
    try {
      await ensureSchema(db, sqliteMigrations, Date.now);
      const last = sqliteMigrations.length;
      const bad = {
        version: last + 1,
        name: 'bad',
        sql: 'CREATE TABLE half (x INTEGER); SELECT nope;',
      };
      await expect(ensureSchema(db, [...sqliteMigrations, bad], Date.now)).rejects.toThrow();
      const rows = await db.all("SELECT name FROM sqlite_master WHERE name = 'half'");
      expect(rows).toEqual([]);
      expect(await db.all('SELECT MAX(version) AS v FROM schema_version')).toEqual([{ v: last }]);
    } finally {
      await db.close();
    }
  });

  it("002 keeps identities written before it as the people's own (native) accounts", async () => {
    const file = path();
    const db = SqliteDatabase.open(file);
    await ensureSchema(db, sqliteMigrations.slice(0, 1), Date.now);
    await db.run(
      `INSERT INTO identities (network, external_id, user_id, created_at, updated_at)
       VALUES ('irc', 'ada', 'u1', 1, 1)`,
    );
    await db.close();
    const store = createSqliteMappingStore({ path: file });
    await store.init();
    try {
      expect(await store.identities.get('irc' as NetworkName, 'ada')).toMatchObject({
        userId: 'u1',
        kind: 'native',
      });
    } finally {
      await store.close();
    }
  });

  it('refuses a database written by a newer build', async () => {
    const file = path();
    const db = SqliteDatabase.open(file);
    await ensureSchema(db, sqliteMigrations, Date.now);
    await db.run('INSERT INTO schema_version (version, name, applied_at) VALUES (99, ?, 0)', [
      'future',
    ]);
    await db.close();
    const store = createSqliteMappingStore({ path: file });
    await expect(store.init()).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(store.links.list()).rejects.toThrow(/not open/);
  });
});
