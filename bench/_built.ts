/**
 * Compiles dist/ before a benchmark that spawns `multichat start`, when a source is newer than
 * the build: otherwise the first start compiles it, which can take longer than the benchmark
 * waits for the gateway to answer. The leading `_` keeps run-all from running this file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildState } from '../bin/build.mjs';

export function ensureBuilt(): void {
  if (buildState() === 'fresh') return;
  const built = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin/build.mjs')], {
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
}
