import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMappingStore } from '../../../src/mapping/index.js';
import { describeMappingStoreContract } from '../../contracts/mapping-store.js';

// A fresh folder per test: makeStore reopens the same file within a test, cleanup drops it.
let dir = mkdtempSync(join(tmpdir(), 'mc-mapping-'));

describeMappingStoreContract(
  'sqlite',
  (options) => createMappingStore({ kind: 'sqlite', path: join(dir, 'mapping.db'), ...options }),
  async () => {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'mc-mapping-'));
  },
);
