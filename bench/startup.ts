/**
 * Cold start of `multichat start` until GET /healthz answers 200, for the two ways the command can
 * run: (a) the sources through tsx (`MULTICHAT_FROM_SOURCE=1`, what the command did before the
 * compiled build), once with tsx's transform cache empty and once with it filled; (b) the
 * compiled dist/. Every run is a new process with a new, empty data directory (so the node key,
 * the stores and the admin token are created, as on a first start). The build is done once first
 * and timed on its own. `BENCH_RUNS` sets the runs per variant (default 5). Then the compiled start
 * on a data directory holding 1,000,000 entries (`BENCH_STARTUP_ENTRIES`; built once and cached
 * under .peers/, see _startup-data.ts), the phases of each start (src/core/spans.ts marks) and the
 * floor of a bare `node -e 0` spawn. Prints ONE JSON object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../test/peers/free-port.js';
import { readGatewayLog, spawnGateway, stopGateway } from '../test/peers/gateway-spawn.js';
import { environment } from './environment.js';
import { largeDataDir } from './_startup-data.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** Entries of the large data directory (`BENCH_STARTUP_ENTRIES`; 0 skips that variant). */
const LARGE = Number(process.env['BENCH_STARTUP_ENTRIES'] ?? 1_000_000);
const wallClock = () => performance.timeOrigin + performance.now();
const ROOT = join(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Milliseconds from spawn to the first 200 from /healthz, and whether the command compiled src/
 * first (it does when a source changed since the build); the process is stopped afterwards.
 */
async function startToHealthz(
  env: Record<string, string>,
  dataDir?: string,
): Promise<{ ms: number; rebuilt: boolean; phases: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-start-'));
  const spans = join(dir, 'spans.log');
  // A large store may take longer to open (its first open after an upgrade scans every clock).
  const limitMs = dataDir ? 600_000 : 60_000;
  const port = await freePort();
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    `node: { dataDir: ${dataDir ?? join(dir, 'data')}, listen: ["/ip4/127.0.0.1/tcp/0"], mdns: false }\n` +
      `http: { host: 127.0.0.1, port: ${port} }\nlog: { level: warn, format: json }\n`,
  );
  const started = performance.now();
  const startedAt = wallClock();
  const spawned = spawnGateway(dir, config, {
    MULTICHAT_FROM_SOURCE: '',
    MULTICHAT_SPANS: spans,
    ...env,
  });
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
      if (ok) {
        const ms = performance.now() - started;
        await stopGateway(spawned);
        return {
          ms,
          rebuilt: output().includes('compiling src/'),
          phases: phases(spans, startedAt),
        };
      }
      if (performance.now() - started > limitMs)
        throw new Error(`no /healthz in ${limitMs / 1000} s: ${output()}`);
      await sleep(5);
    }
  } finally {
    await stopGateway(spawned);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each start-up mark (src/core/spans.ts) as ms after the spawn, in order. */
function phases(file: string, startedAt: number): Record<string, number> {
  if (!existsSync(file)) return {};
  const out: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [t, stage] = line.split(' ');
    if (stage?.startsWith('start.')) out[stage.slice(6)] = Math.round(Number(t) - startedAt);
  }
  return out;
}

/** Per phase, the median over runs of its ms after the spawn. */
function medianPhases(runs: readonly Record<string, number>[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out: Record<string, number> = {};
  for (const name of names) {
    const xs = runs.flatMap((r) => (r[name] === undefined ? [] : [r[name] as number]));
    out[name] = xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  }
  return out;
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
async function variant(env: () => Record<string, string>, dataDir?: string) {
  const samples: number[] = [];
  const marks: Record<string, number>[] = [];
  let rebuildsDropped = 0;
  while (samples.length < RUNS) {
    const run = await startToHealthz(env(), dataDir);
    if (!run.rebuilt) {
      samples.push(run.ms);
      marks.push(run.phases);
    } else if ((rebuildsDropped += 1) > RUNS * 2)
      throw new Error('src/ keeps changing: dist/ is rebuilt on every start');
  }
  return { ...summary(samples), rebuildsDropped, phasesMs: medianPhases(marks) };
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
// The same start on a data directory that holds a large log (built once, cached: _startup-data.ts).
const large = LARGE > 0 ? await largeDataDir(LARGE) : undefined;
const compiledLarge = large ? await variant(() => ({}), large.dir) : undefined;

/**
 * Modules one compiled start loads until /healthz answers (bench/_module-count.mjs hooks the
 * loader), by where they come from: the gateway's own code, packages, and node's built-ins.
 */
async function moduleCount() {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-modules-'));
  const file = join(dir, 'modules.txt');
  try {
    await startToHealthz({
      NODE_OPTIONS: `--import ${join(import.meta.dirname, '_module-count.mjs')}`,
      MC_MODULE_COUNT_FILE: file,
    });
    const urls = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
    const packages = urls.filter((u) => u.includes('/node_modules/'));
    const builtins = urls.filter((u) => u.startsWith('node:'));
    const named = (u: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? '';
    const perPackage = new Map<string, number>();
    for (const u of packages) perPackage.set(named(u), (perPackage.get(named(u)) ?? 0) + 1);
    return {
      total: urls.length,
      own: urls.length - packages.length - builtins.length,
      packages: packages.length,
      builtins: builtins.length,
      libp2p: packages.filter((u) => /libp2p|multiformats|chainsafe|@noble|uint8/.test(u)).length,
      largestPackages: Object.fromEntries([...perPackage].sort((a, b) => b[1] - a[1]).slice(0, 8)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const modules = await moduleCount();

/** The floor on this machine right now: spawning a bare node that does nothing. */
function nodeFloor(): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    samples.push(performance.now() - t);
  }
  return summary(samples).medianMs;
}
const floorMs = nodeFloor();

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
    // Phases (phasesMs: ms after the spawn when each was reached) read: main-loaded = every CLI
    // command module evaluated; import→imported = the gateway's module graph (node, libp2p,
    // bridges, HTTP); node→node-started = opening the stores; p2p→p2p-started; bridges; http.
    compiledLarge: compiledLarge
      ? { entries: LARGE, dataDirBuildMs: large?.buildMs ?? 'cached', ...compiledLarge }
      : null,
    // ESM modules loaded by one compiled start until /healthz (CommonJS requires not counted).
    modulesLoaded: modules,
    nodeSpawnFloorMs: floorMs,
    ratioToFloor: Math.round((compiled.medianMs / floorMs) * 100) / 100,
    speedupColdCache: Math.round((tsxCold.medianMs / compiled.medianMs) * 100) / 100,
    speedupWarmCache: Math.round((tsxWarm.medianMs / compiled.medianMs) * 100) / 100,
    targets: { compiledMedianMs: 1000, compiledLargeMedianMs: 2000 },
    met: {
      empty: compiled.medianMs < 1000,
      large: compiledLarge ? compiledLarge.medianMs < 2000 : null,
    },
    environment: environment(),
  }),
);
