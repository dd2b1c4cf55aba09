/**
 * Memory per bridged person: one gateway process (core node with P2P listening on loopback, the
 * SQLite mapping store, the bridge runtime) with two networks of the bench adapter
 * (_bench-adapter.ts: it holds nothing itself). 1,000 channels are each linked to a room on
 * `src` and on `dst`; 10,000 people of `src` (10 per room) each say one line, which the gateway
 * turns into a bridged person (profile + membership), a message, and a delivery to `dst`. Then
 * traffic goes on for `BENCH_MEMORY_TRAFFIC_S` seconds (default 60) from the same people, to show
 * whether memory stays flat. RSS and heap are read after a full GC: at start, after warm-up and
 * at the end of the traffic. The gateway code runs compiled (see FROM below); the bench itself runs
 * through tsx, whose share is in the start figure, not in the per-person one. Prints ONE JSON object.
 */
import '../bin/polyfill.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as RuntimeModule from '../src/bridges/runtime/index.js';
import type { ExternalMessageId, ExternalUserId } from '../src/bridges/types.js';
import type * as IdentityModule from '../src/core/identity.js';
import type * as CoreModule from '../src/core/index.js';
import type * as OptionsModule from '../src/core/options.js';
import type * as P2pModule from '../src/core/p2p/index.js';
import type * as MappingModule from '../src/mapping/index.js';
import { createBenchAdapter } from './_bench-adapter.js';
import { ensureBuilt } from './_built.js';
import { environment } from './environment.js';

/**
 * The gateway's code is loaded from the compiled dist/, as `multichat start` runs it: sources
 * through tsx would add tsx's own memory (about 65 MB here) to every figure.
 * `BENCH_MEMORY_FROM=src` loads src/ instead.
 */
const FROM = process.env['BENCH_MEMORY_FROM'] === 'src' ? 'src' : 'dist';
if (FROM === 'dist') ensureBuilt();
const load = <T>(path: string): Promise<T> =>
  import(
    new URL(`../${FROM}/${FROM === 'dist' ? path : path.replace(/\.js$/, '.ts')}`, import.meta.url)
      .href
  ) as Promise<T>;
const { createBridgeRuntime } = await load<typeof RuntimeModule>('bridges/runtime/index.js');
const { createNode } = await load<typeof CoreModule>('core/index.js');
const { loadOrCreateNodeKey } = await load<typeof IdentityModule>('core/identity.js');
const { silentLogger } = await load<typeof OptionsModule>('core/options.js');
const { createP2P } = await load<typeof P2pModule>('core/p2p/index.js');
const { createMappingStore } = await load<typeof MappingModule>('mapping/index.js');

const CHANNELS = Number(process.env['BENCH_MEMORY_CHANNELS'] ?? 1_000);
const PEOPLE = Number(process.env['BENCH_MEMORY_PEOPLE'] ?? 10_000);
const TRAFFIC_S = Number(process.env['BENCH_MEMORY_TRAFFIC_S'] ?? 60);
/** Lines per second during the traffic phase. */
const RATE = 50;
/** Inbound events in flight at once during warm-up (events of one room stay in order anyway). */
const PARALLEL = 64;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
function settledMemory() {
  gc();
  gc();
  const m = process.memoryUsage();
  // RSS beyond the V8 heap is native memory: SQLite page caches, code, malloc arenas.
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    outsideHeapMb: mb(m.rss - m.heapTotal),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mc-bench-memory-'));
const src = createBenchAdapter('src');
const dst = createBenchAdapter('dst');
const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
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
const atStart = settledMemory();

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
const afterLinks = settledMemory();
const setupSeconds = (performance.now() - setupStarted) / 1000;

let line = 0;
/** Person `p` says a line in their room (person p lives in room p % CHANNELS). */
function say(p: number): Promise<void> {
  const n = ++line;
  return src.net.inject({
    kind: 'message',
    target: { channel: `r${p % CHANNELS}` },
    sender: { externalId: `u${p}` as ExternalUserId, displayName: `person ${p}` },
    externalId: `m${n}` as ExternalMessageId,
    text: `line ${n} from person ${p}`,
  });
}

const warmStarted = performance.now();
for (let p = 0; p < PEOPLE; p += PARALLEL) {
  const batch: Promise<void>[] = [];
  for (let k = p; k < Math.min(PEOPLE, p + PARALLEL); k++) batch.push(say(k));
  await Promise.all(batch);
}
await runtime.settle();
const warmSeconds = (performance.now() - warmStarted) / 1000;
const afterWarmUp = settledMemory();
const coreEntries = node.metrics().entries;

// Traffic: RATE lines a second from random people; RSS sampled every 10 s.
const rssEvery10s: number[] = [];
const trafficStarted = performance.now();
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
const afterTraffic = settledMemory();
const delivered = dst.net.sent();

await runtime.stop();
await p2p.stop();
await node.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

const perThousand = (to: { rssMb: number }, from: { rssMb: number }) =>
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
    target: { rssMb: 200, met: afterWarmUp.rssMb <= 200 && afterTraffic.rssMb <= 200 },
    gatewayCode: FROM,
    environment: environment(),
  }),
);
