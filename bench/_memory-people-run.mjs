// The measured process of bench/memory-people.ts: plain node running the compiled gateway code
// (dist/), as `multichat start` runs it, so no TypeScript loader's memory is in the figures. The
// parent passes the bench adapter compiled to JavaScript (MC_BENCH_ADAPTER, a file URL) and the
// code to load (MC_BENCH_CODE: a folder URL ending in /). Prints ONE JSON object (no environment:
// the parent adds it). The leading `_` keeps run-all from running this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryMap } from './_memory-map.mjs';

const CODE = process.env['MC_BENCH_CODE'] ?? '';
const EXT = process.env['MC_BENCH_EXT'] ?? '.js';
const load = (path) => import(new URL(path.replace(/\.js$/, EXT), CODE).href);
const { createBenchAdapter } = await import(process.env['MC_BENCH_ADAPTER'] ?? '');
const { createBridgeRuntime } = await load('bridges/runtime/index.js');
const { createNode } = await load('core/index.js');
const { loadOrCreateNodeKey } = await load('core/identity.js');
const { silentLogger } = await load('core/options.js');
const { createP2P } = await load('core/p2p/index.js');
const { createMappingStore } = await load('mapping/index.js');

const CHANNELS = Number(process.env['BENCH_MEMORY_CHANNELS'] ?? 1_000);
const PEOPLE = Number(process.env['BENCH_MEMORY_PEOPLE'] ?? 10_000);
const TRAFFIC_S = Number(process.env['BENCH_MEMORY_TRAFFIC_S'] ?? 60);
/** Lines per second during the traffic phase. */
const RATE = 50;
/** Inbound events in flight at once during warm-up (events of one room stay in order anyway). */
const PARALLEL = 64;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
/** `BENCH_MEMORY_SNAPSHOTS=<dir>`: a heap snapshot at each reading (compare with _heap-diff.mjs). */
const SNAPSHOTS = process.env['BENCH_MEMORY_SNAPSHOTS'];
let readings = 0;
async function settledMemory() {
  gc();
  gc();
  if (SNAPSHOTS) writeHeapSnapshot(join(SNAPSHOTS, `reading-${++readings}.heapsnapshot`));
  // V8 hands freed heap pages back on a background thread: read RSS once that is done.
  await new Promise((r) => setTimeout(r, 2000));
  const m = process.memoryUsage();
  // RSS beyond the V8 heap is native memory: SQLite page caches, code, malloc arenas; `map`
  // says which (from /proc/self/smaps).
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    outsideHeapMb: mb(m.rss - m.heapTotal),
    map: memoryMap(),
    // The young generation's committed size is part of heapTotal even right after a collection.
    newSpaceMb: mb(
      getHeapSpaceStatistics()
        .filter((s) => s.space_name.startsWith('new_'))
        .reduce((sum, s) => sum + s.space_size, 0),
    ),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mc-bench-memory-'));
const src = createBenchAdapter('src');
const dst = createBenchAdapter('dst');
// The node's defaults (page cache included) are what a gateway runs with.
/** The core's SQLite page cache in MiB (`BENCH_MEMORY_CORE_CACHE_MIB`), else the default. */
const coreCache = process.env['BENCH_MEMORY_CORE_CACHE_MIB'];
const node = await createNode({
  dataDir: dir,
  sweepIntervalMs: 0,
  ...(coreCache && { cacheMiB: Number(coreCache) }),
});
await node.start();
const p2p = createP2P({
  seed: loadOrCreateNodeKey(dir).seed,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
})({ node });
await p2p.start();
const store = await createMappingStore({ kind: 'sqlite', path: join(dir, 'mapping.db') });
await store.init();
const runtime = createBridgeRuntime({
  node,
  store,
  logger: silentLogger,
  adapters: [src.build, dst.build],
  options: { pollIntervalMs: 200 },
});
await runtime.start();
const atStart = await settledMemory();

const setupStarted = performance.now();
const { user: owner } = await node.createLocalUser('owner');
for (let c = 0; c < CHANNELS; c++) {
  await node.submit(owner.id, { kind: 'createChannel', name: `room-${c}` });
  await runtime.links.create({
    channel: `room-${c}`,
    network: 'src',
    target: { channel: `r${c}` },
  });
  await runtime.links.create({
    channel: `room-${c}`,
    network: 'dst',
    target: { channel: `r${c}` },
  });
}
const afterLinks = await settledMemory();
const setupSeconds = (performance.now() - setupStarted) / 1000;

let line = 0;
/** Person `p` says a line in their room (person p lives in room p % CHANNELS). */
function say(p) {
  const n = ++line;
  return src.net.inject({
    kind: 'message',
    target: { channel: `r${p % CHANNELS}` },
    sender: { externalId: `u${p}`, displayName: `person ${p}` },
    externalId: `m${n}`,
    text: `line ${n} from person ${p}`,
  });
}

const warmStarted = performance.now();
// CPU seconds of this process, not wall time: a cache-size A/B compares them on a busy machine.
const warmCpu = process.cpuUsage();
for (let p = 0; p < PEOPLE; p += PARALLEL) {
  const batch = [];
  for (let k = p; k < Math.min(PEOPLE, p + PARALLEL); k++) batch.push(say(k));
  await Promise.all(batch);
}
await runtime.settle();
const warmSeconds = (performance.now() - warmStarted) / 1000;
const warmUpCpu = process.cpuUsage(warmCpu);
const afterWarmUp = await settledMemory();
const coreEntries = node.metrics().entries;

// Traffic: RATE lines a second from random people; RSS sampled every 10 s.
const rssEvery10s = [];
const trafficStarted = performance.now();
const trafficCpu = process.cpuUsage();
let next = trafficStarted;
let traffic = 0;
while (performance.now() - trafficStarted < TRAFFIC_S * 1000) {
  void say(Math.floor(Math.random() * PEOPLE));
  traffic += 1;
  next += 1000 / RATE;
  const wait = next - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (traffic % (RATE * 10) === 0) rssEvery10s.push(mb(process.memoryUsage().rss));
}
await runtime.settle();
const trafficUsedCpu = process.cpuUsage(trafficCpu);
const afterTraffic = await settledMemory();
const delivered = dst.net.sent();

await runtime.stop();
await p2p.stop();
await node.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

const cpuSeconds = (used) => Math.round((used.user + used.system) / 1e4) / 100;
const perThousand = (to, from) =>
  Math.round(((to.rssMb - from.rssMb) / (PEOPLE / 1000)) * 100) / 100;
console.log(
  JSON.stringify({
    name: 'memory-people',
    unit: 'MB',
    value: afterWarmUp.rssMb,
    people: PEOPLE,
    channels: CHANNELS,
    coreEntriesAfterWarmUp: coreEntries,
    linesWarmUp: PEOPLE,
    linesTraffic: traffic,
    deliveredToDst: delivered,
    expectedDelivered: PEOPLE + traffic,
    memory: { atStart, afterLinks, afterWarmUp, afterTraffic },
    mbPer1000People: perThousand(afterWarmUp, afterLinks),
    mbPer1000PeopleAfterTraffic: perThousand(afterTraffic, afterLinks),
    mbPer100ChannelsLinked:
      Math.round(((afterLinks.rssMb - atStart.rssMb) / (CHANNELS / 100)) * 100) / 100,
    rssMbEvery10sOfTraffic: rssEvery10s,
    seconds: {
      setup: Math.round(setupSeconds * 10) / 10,
      warmUp: Math.round(warmSeconds * 10) / 10,
      traffic: TRAFFIC_S,
    },
    cpuSeconds: { warmUp: cpuSeconds(warmUpCpu), traffic: cpuSeconds(trafficUsedCpu) },
    // What the process ran with: node flags and the malloc arena limit change these figures.
    settings: {
      execArgv: process.execArgv.filter((a) => !a.includes('polyfill') && a !== '--import'),
      nodeOptions: process.env['NODE_OPTIONS'] ?? '',
      mallocArenaMax: process.env['MALLOC_ARENA_MAX'] ?? '',
    },
    target: { rssMb: 200, met: afterWarmUp.rssMb <= 200 && afterTraffic.rssMb <= 200 },
  }),
);
