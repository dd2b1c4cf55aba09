/**
 * Memory per bridged person: one gateway process (core node with P2P listening on loopback, the
 * SQLite mapping store, the bridge runtime) with two networks of the bench adapter
 * (_bench-adapter.ts: it holds nothing itself). 1,000 channels are each linked to a room on
 * `src` and on `dst`; 10,000 people of `src` (10 per room) each say one line, which the gateway
 * turns into a bridged person (profile + membership), a message, and a delivery to `dst`. Then
 * traffic goes on for `BENCH_MEMORY_TRAFFIC_S` seconds (default 60) from the same people, to show
 * whether memory stays flat. RSS and heap are read after a full GC: at start, after warm-up and
 * at the end of the traffic. Prints ONE JSON object.
 *
 * What is measured runs in a child process (_memory-people-run.mjs) under plain node on the
 * compiled dist/, as `multichat start` runs: this file runs through tsx, whose loader thread alone
 * is about 65 MB, so measuring here would count it. The bench adapter is compiled to JavaScript
 * for the child first. `BENCH_MEMORY_FROM=src` runs the child on src/ through tsx instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ensureBuilt } from './_built.js';
import { environment } from './environment.js';

const FROM = process.env['BENCH_MEMORY_FROM'] === 'src' ? 'src' : 'dist';
const ROOT = join(import.meta.dirname, '..');
if (FROM === 'dist') ensureBuilt();

const dir = mkdtempSync(join(tmpdir(), 'mc-bench-memory-code-'));
try {
  // The adapter imports only types, so a plain transpile gives the module the child runs.
  const adapterSource = readFileSync(join(import.meta.dirname, '_bench-adapter.ts'), 'utf8');
  const adapterJs = ts.transpileModule(adapterSource, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const adapter = join(dir, '_bench-adapter.mjs');
  writeFileSync(adapter, adapterJs);
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      join(ROOT, 'bin/polyfill.mjs'),
      ...(FROM === 'src' ? ['--import', 'tsx'] : []),
      join(import.meta.dirname, '_memory-people-run.mjs'),
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        MC_BENCH_ADAPTER: pathToFileURL(adapter).href,
        MC_BENCH_CODE: pathToFileURL(join(ROOT, FROM) + '/').href,
        MC_BENCH_EXT: FROM === 'src' ? '.ts' : '.js',
      },
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (child.status !== 0) throw new Error(`the measured process exited ${child.status}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as object;
  console.log(JSON.stringify({ ...result, gatewayCode: FROM, environment: environment() }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
