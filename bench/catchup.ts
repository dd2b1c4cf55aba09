/**
 * Offline catch-up: a node that has never seen a channel fetches its whole log (100k entries by
 * default, `BENCH_CATCHUP`) from one peer over the sync protocol on loopback. The peer runs in a
 * child process that builds the log directly through the core first; only the catch-up is timed.
 * Reports entries/s, the time for all of them, and the catching-up process's peak RSS (sampled)
 * against its RSS before the sync, to show that memory stays flat whatever the backlog, and the
 * CPU time each side spent per entry (both sides share the machine's cores).
 * `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of the catch-up on each side (client.cpuprofile,
 * server.cpuprofile), set-up excluded.
 */
import '../bin/polyfill.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createNode } from '../src/core/index.js';
import { loadOrCreateNodeKey } from '../src/core/identity.js';
import { createP2P } from '../src/core/p2p/index.js';
import { DEFAULT_BATCH } from '../src/core/p2p/sync-server.js';
import type { ChannelId } from '../src/core/types.js';
import { spawnSource } from '../test/peers/gateway-spawn.js';
import { profilePhase } from './_cpu-profile.js';
import { environment } from './environment.js';

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

async function startNodeWithP2P(dir: string, cache?: number) {
  const node = await createNode({
    dataDir: dir,
    sweepIntervalMs: 0,
    ...(cache !== undefined && { cacheMiB: cache }),
  });
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

async function measure(): Promise<void> {
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

  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-catchup-dst-'));
  const { node, p2p } = await startNodeWithP2P(dir, cacheMiB);
  await p2p.start();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  // Where the peak's memory was: V8's heap or buffers (the rest is SQLite's cache and code).
  let atPeak = process.memoryUsage();
  // RSS when each tenth of the backlog has arrived: flat memory means these level off.
  const rssByTenth: number[] = [];
  let ticks = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    const { rss } = usage;
    if (rss > peakRss) [peakRss, atPeak] = [rss, usage];
    // metrics() counts the store's entries (a scan): only every tenth tick, to keep it cheap.
    if (++ticks % 10 !== 0) return;
    const tenth = Math.floor((node.metrics().entries / source.entries) * 10);
    while (rssByTenth.length < tenth) rssByTenth.push(rss);
  }, 25);

  const profile = await profilePhase('client');
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  await p2p.dial(source.address);
  await p2p.fetchChannel(source.channel);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  await profile.stop();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const received = node.metrics().entries;
  const messages = node.listMessages(source.channel as ChannelId, { limit: 1 }).length;
  const complete = received === source.entries && node.metrics().pending === 0 && messages === 1;
  const exited = new Promise((done) => child.once('exit', done));
  child.stdin!.end();
  const server = JSON.parse(await nextLine()) as { cpuMs?: number };
  await exited;
  await p2p.stop();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });

  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const perEntry = (ms: number) => Math.round((ms * 10_000) / Math.max(1, received)) / 10;
  console.log(
    JSON.stringify({
      name: 'p2p_catchup',
      unit: 'entries/s',
      value: Math.round(received / (elapsedMs / 1000)),
      entries: received,
      expectedEntries: source.entries,
      complete,
      batchEntries: batchEntries ?? DEFAULT_BATCH.entries,
      cacheMiB: cacheMiB ?? null,
      seconds: Math.round(elapsedMs) / 1000,
      cpuUsPerEntry: {
        client: perEntry((cpu.user + cpu.system) / 1000),
        server: server.cpuMs === undefined ? null : perEntry(server.cpuMs),
      },
      targets: { entriesPerSecond: 20_000, seconds: 10 },
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peakRss),
      rssGrowthMb: mb(peakRss - rssBefore),
      atPeakMb: {
        heapTotal: mb(atPeak.heapTotal),
        heapUsed: mb(atPeak.heapUsed),
        arrayBuffers: mb(atPeak.arrayBuffers),
      },
      rssMbAtEachTenth: rssByTenth.map(mb),
      sourceBuildSeconds: Math.round(source.buildMs) / 1000,
      loadAverage1m: { atStart: loadAtStart, atEnd: Math.round(loadavg()[0]! * 100) / 100 },
      environment: environment(),
    }),
  );
  if (!complete) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await measure();
