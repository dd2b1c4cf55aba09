import { SqlMappingStore } from '../sql/store.js';
import type { MappingStore, MappingStoreOptions } from '../types.js';
import { PostgresDatabase } from './database.js';
import { postgresMigrations } from './migrations/index.js';

/**
 * The store for deployments that outgrow one machine or run several gateways on one database.
 * Nothing connects until `init()`; `poolSize` bounds the connections (default 10).
 */
export function createPostgresMappingStore(
  options: { readonly url: string; readonly poolSize?: number } & MappingStoreOptions,
): MappingStore {
  return new SqlMappingStore(
    'postgres',
    () => PostgresDatabase.open(options.url, options.poolSize),
    postgresMigrations,
    options.now,
  );
}
