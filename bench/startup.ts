/**
 * Cold start of `multichat start` until GET /healthz answers 200, for the two ways the command can
 * run: (a) the sources through tsx (`MULTICHAT_FROM_SOURCE=1`, what the command did before the
 * compiled build), once with tsx's transform cache empty and once with it filled; (b) the
 * compiled dist/. Every run is a new process with a new, empty data directory (so the node key,
 * the stores and the admin token are created, as on a first start). The build is done once first
 * and timed on its own. `BENCH_RUNS` sets the runs per variant (default 5). Prints ONE JSON object.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../test/peers/free-port.js';
import { readGatewayLog, spawnGateway, stopGateway } from '../test/peers/gateway-spawn.js';
import { environment } from './environment.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const ROOT = join(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Milliseconds from spawn to the first 200 from /healthz, and whether the command compiled src/
 * first (it does when a source changed since the build); the process is stopped afterwards.
 */
async function startToHealthz(
  env: Record<string, string>,
): Promise<{ ms: number; rebuilt: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-start-'));
  const port = await freePort();
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    `node: { dataDir: ${join(dir, 'data')}, listen: ["/ip4/127.0.0.1/tcp/0"], mdns: false }\n` +
      `http: { host: 127.0.0.1, port: ${port} }\nlog: { level: warn, format: json }\n`,
  );
  const started = performance.now();
  const spawned = spawnGateway(dir, config, { MULTICHAT_FROM_SOURCE: '', ...env });
  const { child } = spawned;
  // The command's output goes to <dir>/gateway.log; "compiling src/" there means it rebuilt.
  const output = () => readGatewayLog(dir);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${output()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ok)
        return { ms: performance.now() - started, rebuilt: output().includes('compiling src/') };
      if (performance.now() - started > 60_000) throw new Error(`no /healthz in 60 s: ${output()}`);
      await sleep(5);
    }
  } finally {
    await stopGateway(spawned);
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms);
  return {
    medianMs: round(sorted[Math.floor(sorted.length / 2)]!),
    minMs: round(sorted[0]!),
    maxMs: round(sorted[sorted.length - 1]!),
    samplesMs: samples.map(round),
  };
}

/**
 * RUNS samples of one variant. A run that rebuilt dist/ (someone edited src/ meanwhile) measures
 * the build, not the start: it is dropped and counted, and another run takes its place.
 */
async function variant(env: () => Record<string, string>) {
  const samples: number[] = [];
  let rebuildsDropped = 0;
  while (samples.length < RUNS) {
    const run = await startToHealthz(env());
    if (!run.rebuilt) samples.push(run.ms);
    else if ((rebuildsDropped += 1) > RUNS * 2)
      throw new Error('src/ keeps changing: dist/ is rebuilt on every start');
  }
  return { ...summary(samples), rebuildsDropped };
}

const buildStarted = performance.now();
const built = spawnSync(process.execPath, [join(ROOT, 'bin/build.mjs')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
const buildMs = Math.round(performance.now() - buildStarted);

// tsx keeps its transform cache under the temp folder: a fresh TMPDIR per run empties it.
const emptyCaches: string[] = [];
const tsxCold = await variant(() => {
  const tmp = mkdtempSync(join(tmpdir(), 'mc-bench-tsx-'));
  emptyCaches.push(tmp);
  return { MULTICHAT_FROM_SOURCE: '1', TMPDIR: tmp };
});
for (const tmp of emptyCaches) rmSync(tmp, { recursive: true, force: true });
const tsxWarm = await variant(() => ({ MULTICHAT_FROM_SOURCE: '1' }));
const compiled = await variant(() => ({}));

console.log(
  JSON.stringify({
    name: 'startup',
    unit: 'ms',
    value: compiled.medianMs,
    what: 'spawn of `multichat start` (new data dir) until the first 200 from GET /healthz',
    runs: RUNS,
    buildMs,
    tsxColdCache: tsxCold,
    tsxWarmCache: tsxWarm,
    compiled,
    speedupColdCache: Math.round((tsxCold.medianMs / compiled.medianMs) * 100) / 100,
    speedupWarmCache: Math.round((tsxWarm.medianMs / compiled.medianMs) * 100) / 100,
    targets: { compiledMedianMs: 1000 },
    environment: environment(),
  }),
);
