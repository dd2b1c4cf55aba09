import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError } from '../../../src/mapping/errors.js';
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
      expect(await ensureSchema(db, sqliteMigrations, () => 1)).toEqual([1]);
      expect(await ensureSchema(db, sqliteMigrations, () => 2)).toEqual([]);
      const rows = await db.all('SELECT version, applied_at FROM schema_version');
      expect(rows).toEqual([{ version: 1, applied_at: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('applies only migrations newer than the database', async () => {
    const db = SqliteDatabase.open(path());
    try {
      await ensureSchema(db, sqliteMigrations, Date.now);
      const extra = { version: 2, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER);' };
      expect(await ensureSchema(db, [...sqliteMigrations, extra], Date.now)).toEqual([2]);
      expect(await db.all('SELECT * FROM extra')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('rolls a failing migration back and leaves the version where it was', async () => {
    const db = SqliteDatabase.open(path());
    try {
      await ensureSchema(db, sqliteMigrations, Date.now);
      const bad = { version: 2, name: 'bad', sql: 'CREATE TABLE half (x INTEGER); SELECT nope;' };
      await expect(ensureSchema(db, [...sqliteMigrations, bad], Date.now)).rejects.toThrow();
      const rows = await db.all("SELECT name FROM sqlite_master WHERE name = 'half'");
      expect(rows).toEqual([]);
      expect(await db.all('SELECT MAX(version) AS v FROM schema_version')).toEqual([{ v: 1 }]);
    } finally {
      await db.close();
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
