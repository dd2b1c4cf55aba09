import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createMappingStore } from '../../../src/mapping/index.js';
import { describeMappingStoreContract } from '../../contracts/mapping-store.js';

// A fresh folder per test: makeStore reopens the same file within a test, cleanup drops it.
let dir: string | undefined;
const folder = () => (dir ??= mkdtempSync(join(tmpdir(), 'mc-mapping-')));

describeMappingStoreContract(
  'sqlite',
  (options) =>
    createMappingStore({ kind: 'sqlite', path: join(folder(), 'mapping.db'), ...options }),
  async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
