import { SqlMappingStore } from '../sql/store.js';
import type { MappingStore, MappingStoreOptions } from '../types.js';
import { SqliteDatabase } from './database.js';
import { sqliteMigrations } from './migrations/index.js';

/** Default file name inside the gateway's data folder. */
export const SQLITE_DEFAULT_FILE = 'mapping.db';

/**
 * The embedded store: one SQLite file (`<dataDir>/mapping.db` by default) in WAL mode. Nothing is
 * opened until `init()`.
 */
export function createSqliteMappingStore(
  options: { readonly path: string } & MappingStoreOptions,
): MappingStore {
  return new SqlMappingStore(
    'sqlite',
    () => Promise.resolve(SqliteDatabase.open(options.path)),
    sqliteMigrations,
    options.now,
  );
}
