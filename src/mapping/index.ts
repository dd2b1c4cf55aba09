/**
 * Public entry of the mapping store. `createMappingStore` picks the implementation from config and
 * imports it lazily, so an SQLite deployment never loads `pg` (and a PostgreSQL one never loads
 * the native SQLite addon).
 */
import type { MappingStore, MappingStoreConfig, MappingStoreFactory } from './types.js';

export type * from './types.js';
export * from './errors.js';
export { targetKeyOf } from './target-key.js';

/** Builds the configured store; call `init()` on it before use. */
export async function createMappingStore(config: MappingStoreConfig): Promise<MappingStore> {
  if (config.kind === 'sqlite') {
    const { createSqliteMappingStore } = await import('./sqlite/index.js');
    return createSqliteMappingStore(config);
  }
  const { createPostgresMappingStore } = await import('./postgres/index.js');
  return createPostgresMappingStore(config);
}

// Compile-time check that the factory matches the contract type.
const _factory: MappingStoreFactory = createMappingStore;
