// Runs every benchmark in bench/ (or those named on the command line) one after another, each
// in its own process, and passes through the one JSON line each prints.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The one way a child runs from source (shared with the tests' spawnSource).
import { sourceNodeArgs } from '../test/peers/source-node.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'environment.ts' && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')))
  .sort();
let failed = 0;
for (const script of scripts) {
  const run = spawnSync(process.execPath, sourceNodeArgs(join(here, script)), {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    failed += 1;
    console.error(`bench ${script} failed with exit code ${run.status}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
