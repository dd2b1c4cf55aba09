// The catching-up process of bench/catchup.ts: plain node on the compiled dist/, as
// `multichat start` runs it, so its RSS holds no TypeScript loader (tsx's loader thread is about
// 65 MB, bench/memory-people.ts). It fetches one channel's whole log from the source peer whose
// address the parent passes (MC_CATCHUP_SOURCE, JSON {address, channel, entries}) and prints ONE
// JSON object of what it measured. MC_BENCH_CODE is the code folder's URL (ending in /), and
// MC_BENCH_EXT its modules' extension. BENCH_CPU_PROF=<dir> writes client.cpuprofile of the
// catch-up. BENCH_CATCHUP_TRACE=<file> writes one JSON line every 100 ms of where the memory is
// (V8 spaces, ArrayBuffers, malloc arenas from /proc/self/smaps): what sets the peak RSS.
// The leading `_` keeps run-all from running this file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { profilePhase } from './_cpu-profile.mjs';
import { memoryMap } from './_memory-map.mjs';

const CODE = process.env['MC_BENCH_CODE'] ?? '';
const EXT = process.env['MC_BENCH_EXT'] ?? '.js';
const load = (path) => import(new URL(path.replace(/\.js$/, EXT), CODE).href);
const { createNode } = await load('core/index.js');
const { loadOrCreateNodeKey } = await load('core/identity.js');
const { createP2P } = await load('core/p2p/index.js');

const source = JSON.parse(process.env['MC_CATCHUP_SOURCE'] ?? '{}');
const batchEntries = process.env.BENCH_CATCHUP_BATCH
  ? Number(process.env.BENCH_CATCHUP_BATCH)
  : undefined;
const cacheMiB = process.env.BENCH_CATCHUP_CACHE_MIB
  ? Number(process.env.BENCH_CATCHUP_CACHE_MIB)
  : undefined;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// Warnings go to stderr: a sync exchange or a bulk commit that fails midway leaves the catch-up
// incomplete, and the bench should say why rather than only report `complete: false`.
const warn = (fields, message) =>
  process.stderr.write(`catchup client: ${message ?? ''} ${JSON.stringify(fields)}\n`);
const logger = { debug() {}, info() {}, warn, error: warn };
const dir = mkdtempSync(join(tmpdir(), 'mc-bench-catchup-dst-'));
const node = await createNode({
  logger,
  dataDir: dir,
  sweepIntervalMs: 0,
  ...(cacheMiB !== undefined && { cacheMiB }),
});
await node.start();
const p2p = createP2P({
  logger,
  seed: loadOrCreateNodeKey(dir).seed,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  syncIntervalMs: 0,
  redialIntervalMs: 0,
  ...(batchEntries !== undefined && { batchEntries }),
})({ node });
await p2p.start();
gc();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
// Where the peak's memory was: V8's heap or buffers (the rest is SQLite's cache and code).
let atPeak = process.memoryUsage();
// RSS when each tenth of the backlog has arrived: flat memory means these level off.
const rssByTenth = [];
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

const traceFile = process.env['BENCH_CATCHUP_TRACE'];
const trace = [];
const mib = (bytes) => Math.round(bytes / 2 ** 20);
const tracer = traceFile
  ? setInterval(() => {
      const { rss, heapUsed, heapTotal, arrayBuffers } = process.memoryUsage();
      const space = (name) =>
        mib(getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_used_size ?? 0);
      const map = memoryMap();
      trace.push({
        t: Math.round(performance.now()),
        entries: node.metrics().entries,
        rss: mib(rss),
        heapUsed: mib(heapUsed),
        heapTotal: mib(heapTotal),
        arrayBuffers: mib(arrayBuffers),
        newSpace: space('new_space'),
        oldSpace: space('old_space'),
        mallocMain: map?.mallocMainMb,
        mallocArenas: map?.mallocArenasMb,
        files: map?.filesMb,
        otherAnon: map?.otherAnonMb,
      });
    }, 100)
  : undefined;
/** Bytes this process handed to write() so far (WAL, checkpoints): /proc/self/io, Linux only. */
const writtenBytes = () => {
  try {
    return Number(/^wchar: (\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
};
const writtenAtStart = writtenBytes();
const profile = await profilePhase('client');
const cpuAtStart = process.cpuUsage();
const started = performance.now();
await p2p.dial(source.address);
await p2p.fetchChannel(source.channel);
// The dial starts a full exchange of its own; when it has brought the channel's first entries,
// fetchChannel returns at once while that exchange is still under way. syncNow waits for it.
await p2p.syncNow();
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
const written = writtenBytes() - writtenAtStart;
await profile.stop();
clearInterval(sampler);
if (tracer) {
  clearInterval(tracer);
  writeFileSync(traceFile, trace.map((r) => JSON.stringify(r)).join('\n'));
}
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const received = node.metrics().entries;
const messages = node.listMessages(source.channel, { limit: 1 }).length;
const complete = received === source.entries && node.metrics().pending === 0 && messages === 1;
await p2p.stop();
await node.stop();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    received,
    complete,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    written,
    rssBefore,
    peakRss,
    atPeak,
    rssByTenth,
  }),
);
