/**
 * Offline catch-up: a node that has never seen a channel fetches its whole log (100k entries by
 * default, `BENCH_CATCHUP`) from one peer over the sync protocol on loopback. The peer runs in a
 * child process that builds the log directly through the core first; only the catch-up is timed.
 * Reports entries/s, the time for all of them, and the catching-up process's peak RSS (sampled)
 * against its RSS before the sync, to show that memory stays flat whatever the backlog, and the
 * CPU time each side spent per entry (both sides share the machine's cores).
 * `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of the catch-up on each side (client.cpuprofile,
 * server.cpuprofile), set-up excluded.
 *
 * The catching-up node runs in its own process (_catchup-client.mjs) under plain node on the
 * compiled dist/, as `multichat start` runs it: in this file's process, which runs through tsx,
 * tsx's loader thread (about 65 MB) would count in its RSS. `BENCH_CATCHUP_FROM=src` runs it on
 * src/ through tsx instead (the figures before this split). `BENCH_CATCHUP_CODE=<folder>` runs it on
 * another compiled tree (an A/B of two builds in one sitting; the folder needs node_modules above it).
 */
import '../bin/polyfill.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createNode } from '../src/core/index.js';
import { loadOrCreateNodeKey } from '../src/core/identity.js';
import { createP2P } from '../src/core/p2p/index.js';
import { DEFAULT_BATCH } from '../src/core/p2p/sync-server.js';
import { spawnSource } from '../test/peers/gateway-spawn.js';
import { ensureBuilt } from './_built.js';
import { profilePhase } from './_cpu-profile.mjs';
import { environment } from './environment.js';

const ROOT = join(import.meta.dirname, '..');
/** What the catching-up process runs: the compiled dist/ (default) or src/ through tsx. */
const FROM = process.env['BENCH_CATCHUP_FROM'] === 'src' ? 'src' : 'dist';
/** Node flags of the catching-up process only (`BENCH_CATCHUP_NODE_FLAGS`, space-separated). */
const nodeFlags = (process.env['BENCH_CATCHUP_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
/** A compiled tree the catching-up process runs instead of dist/ (`BENCH_CATCHUP_CODE`). */
const codeDir = process.env['BENCH_CATCHUP_CODE'];

const total = Number(process.env.BENCH_CATCHUP ?? 100_000);
/** Entries per sync batch of the serving side (`BENCH_CATCHUP_BATCH`), else the default. */
const batchEntries = process.env.BENCH_CATCHUP_BATCH
  ? Number(process.env.BENCH_CATCHUP_BATCH)
  : undefined;
/** Other work on the machine skews the rate: reported with the result. */
const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;

/** SQLite page cache of the catching-up node in MiB (`BENCH_CATCHUP_CACHE_MIB`), else the default. */
const cacheMiB = process.env.BENCH_CATCHUP_CACHE_MIB
  ? Number(process.env.BENCH_CATCHUP_CACHE_MIB)
  : undefined;

/** The serving side's node (the catching-up one is built by _catchup-client.mjs). */
async function startNodeWithP2P(dir: string) {
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
    ...(batchEntries !== undefined && { batchEntries }),
  })({ node });
  return { node, p2p };
}

/**
 * Child: builds the log, serves it, prints one line with its address; on stdin EOF prints the
 * CPU time it spent serving, and stops.
 */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-catchup-src-'));
  const { node, p2p } = await startNodeWithP2P(dir);
  const { user } = await node.createLocalUser('source');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'backlog' });
  const built = performance.now();
  for (let sent = 0; sent < total; sent += 500) {
    const batch = [];
    for (let i = 0; i < 500 && sent + i < total; i += 1) {
      batch.push(
        node.submit(user.id, {
          kind: 'sendMessage',
          channel: channel!.id,
          text: `backlog message ${sent + i}: the quick brown fox jumps over the lazy dog`,
        }),
      );
    }
    await Promise.all(batch);
  }
  const buildMs = performance.now() - built;
  await p2p.start();
  const entries = node.metrics().entries;
  const profile = await profilePhase('server');
  const cpuAtStart = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ address: p2p.addresses()[0], channel: channel!.id, entries, buildMs })}\n`,
  );
  process.stdin.resume();
  await new Promise((done) => process.stdin.once('end', done));
  const cpu = process.cpuUsage(cpuAtStart);
  await profile.stop();
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  await p2p.stop();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs the catching-up process (_catchup-client.mjs) and returns what it measured. */
async function catchUp(source: object): Promise<ClientResult> {
  const client = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      join(ROOT, 'bin/polyfill.mjs'),
      ...(FROM === 'src' ? ['--import', 'tsx'] : []),
      join(import.meta.dirname, '_catchup-client.mjs'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        MC_CATCHUP_SOURCE: JSON.stringify(source),
        MC_BENCH_CODE: pathToFileURL((codeDir ?? join(ROOT, FROM)) + '/').href,
        MC_BENCH_EXT: FROM === 'src' ? '.ts' : '.js',
      },
    },
  );
  let out = '';
  client.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((done) => client.once('exit', done));
  if (code !== 0) throw new Error(`the catching-up process exited ${String(code)}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ClientResult;
}

interface ClientResult {
  received: number;
  complete: boolean;
  elapsedMs: number;
  cpuMs: number;
  /** Bytes the catching-up process handed to write() during the catch-up (NaN off Linux). */
  written: number;
  rssBefore: number;
  peakRss: number;
  atPeak: NodeJS.MemoryUsage;
  rssByTenth: number[];
}

async function measure(): Promise<void> {
  if (FROM === 'dist' && codeDir === undefined) ensureBuilt();
  const child = spawnSource(process.argv[1] as string, ['--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => ((await lines.next()).value as string | undefined) ?? '{}';
  const source = JSON.parse(await nextLine()) as {
    address: string;
    channel: string;
    entries: number;
    buildMs: number;
  };
  const result = await catchUp(source);
  const exited = new Promise((done) => child.once('exit', done));
  child.stdin!.end();
  const server = JSON.parse(await nextLine()) as { cpuMs?: number };
  await exited;

  const { received, elapsedMs, rssBefore, peakRss, atPeak } = result;
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const perEntry = (ms: number) => Math.round((ms * 10_000) / Math.max(1, received)) / 10;
  console.log(
    JSON.stringify({
      name: 'p2p_catchup',
      unit: 'entries/s',
      value: Math.round(received / (elapsedMs / 1000)),
      entries: received,
      expectedEntries: source.entries,
      complete: result.complete,
      clientCode: codeDir ?? FROM,
      clientNodeFlags: nodeFlags,
      batchEntries: batchEntries ?? DEFAULT_BATCH.entries,
      cacheMiB: cacheMiB ?? null,
      seconds: Math.round(elapsedMs) / 1000,
      cpuUsPerEntry: {
        client: perEntry(result.cpuMs),
        server: server.cpuMs === undefined ? null : perEntry(server.cpuMs),
      },
      // The WAL (each commit rewrites the index pages it touched) and the checkpoints' copies.
      writtenBytesPerEntry: Number.isFinite(result.written)
        ? Math.round(result.written / Math.max(1, received))
        : null,
      targets: { entriesPerSecond: 50_000, peakRssMb: 250 },
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peakRss),
      rssGrowthMb: mb(peakRss - rssBefore),
      atPeakMb: {
        heapTotal: mb(atPeak.heapTotal),
        heapUsed: mb(atPeak.heapUsed),
        arrayBuffers: mb(atPeak.arrayBuffers),
      },
      rssMbAtEachTenth: result.rssByTenth.map(mb),
      sourceBuildSeconds: Math.round(source.buildMs) / 1000,
      loadAverage1m: { atStart: loadAtStart, atEnd: Math.round(loadavg()[0]! * 100) / 100 },
      environment: environment(),
    }),
  );
  if (!result.complete) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await measure();
