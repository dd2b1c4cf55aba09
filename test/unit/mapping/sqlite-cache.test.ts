import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAPPING_CACHE_KIB, SqliteDatabase } from '../../../src/mapping/sqlite/database.js';

// The page cache stays in RSS once full (docs/deploy.md, Memory): the mapping store must not get
// better-sqlite3's built-in 16 MB, and an explicit size must be the one SQLite uses.
describe('sqlite mapping store page cache', () => {
  const dirs: string[] = [];
  const path = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-map-cache-'));
    dirs.push(dir);
    return join(dir, 'mapping.db');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('opens with a 2 MiB cache by default, on every connection to the file', async () => {
    expect(MAPPING_CACHE_KIB).toBe(2048);
    const file = path();
    const first = SqliteDatabase.open(file);
    const second = SqliteDatabase.open(file);
    try {
      expect(await first.all('PRAGMA cache_size')).toEqual([{ cache_size: -2048 }]);
      expect(await second.all('PRAGMA cache_size')).toEqual([{ cache_size: -2048 }]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('takes another size in KiB, rounded, never below 1 KiB', async () => {
    const sized = SqliteDatabase.open(path(), 8192);
    const tiny = SqliteDatabase.open(path(), 0.2);
    try {
      expect(await sized.all('PRAGMA cache_size')).toEqual([{ cache_size: -8192 }]);
      expect(await tiny.all('PRAGMA cache_size')).toEqual([{ cache_size: -1 }]);
    } finally {
      await sized.close();
      await tiny.close();
    }
  });
});
