/**
 * The floor under bench/gossip.ts: what the same network costs when each node does only the
 * work no implementation can skip. Same hosts (our libp2p stack: TCP, noise, yamux, gossipsub
 * with the tuned wrappers), same sparse topology and node count, same rate and warm-up. Instead
 * of a Multichat node, each receiver's topic validator:
 *
 * - verifies one Ed25519 signature over the payload (every node must check what it stores);
 * - writes the payload to SQLite and commits (WAL, synchronous=NORMAL, one row keyed by its
 *   hash): the least a node can do so that nothing it accepted is lost.
 *
 * The sender signs and stores each message before publishing it. Payloads are the size of a
 * real one-message gossip run (~700 bytes). Latency runs from just before signing on the sender
 * to the end of the receiver's commit. `FLOOR_WORK` picks the work: `verify+store` (default),
 * `verify`, `store`, or `none` (the stack alone). Not run by `npm run bench` (the leading
 * underscore): bench/gossip.ts runs it (`runFloor`) in the same process right after the real
 * nodes and prints the ratio; run alone, it prints one JSON object of its own.
 */
import '../bin/polyfill.mjs';
import Database from 'better-sqlite3';
import { multiaddr } from '@multiformats/multiaddr';
import { createPublicKey, generateKeyPairSync, hash, randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { createHost } from '../src/core/p2p/host.js';
import { cpuSplit, currentThreadId, threadCpuMs } from './_threads.js';
import { environment } from './environment.js';
import { nextMessage, percentile, sparsePeers, startWorker } from './_workers.js';

const WORKS = ['verify+store', 'verify', 'store', 'none'] as const;
export type FloorWork = (typeof WORKS)[number];

export interface FloorParams {
  readonly nodes: number;
  readonly messages: number;
  readonly rate: number;
  /** As in bench/gossip.ts: long enough for V8's compiler threads to go quiet. */
  readonly warmup: number;
  readonly work: FloorWork;
}

/** The work named by `FLOOR_WORK` (default verify+store); throws on an unknown name. */
export function floorWork(name = process.env.FLOOR_WORK ?? 'verify+store'): FloorWork {
  if (!(WORKS as readonly string[]).includes(name)) {
    throw new Error(`FLOOR_WORK must be one of ${WORKS.join(', ')}; got "${name}"`);
  }
  return name as FloorWork;
}
const PAYLOAD_BYTES = 700;
const TOPIC = `/multichat/2/channel/${'f'.repeat(43)}`;
const now = () => performance.timeOrigin + performance.now();

/** Payload layout: 8-byte send time, 64-byte signature, then filler that is signed. */
const SIGNED_FROM = 72;

type FromWorker =
  | { kind: 'started'; address: string; thread?: string; publicKey?: string }
  | { kind: 'done' }
  | { kind: 'latencies'; values: number[] }
  | { kind: 'stopped' };

function openStore(dir: string) {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('page_size = 8192');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, body BLOB NOT NULL)');
  const insert = db.prepare('INSERT OR IGNORE INTO entries (id, body) VALUES (?, ?)');
  return {
    put(body: Uint8Array): void {
      insert.run(hash('sha256', body, 'base64url'), body);
    },
    close: () => db.close(),
  };
}

interface FloorWorkerData {
  role: 'floor';
  index: number;
  peers: string[];
  senderKey?: string;
  work: FloorWork;
  rate: number;
}

async function worker(): Promise<void> {
  const { index, peers, senderKey, work, rate: RATE } = workerData as FloorWorkerData;
  const VERIFY = work.includes('verify');
  const STORE = work.includes('store');
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  const dir = mkdtempSync(join(tmpdir(), `mc-bench-floor-${index}-`));
  const store = openStore(dir);
  const host = await createHost({
    seed: randomBytes(32),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    messageId: (_topic, data) => new TextEncoder().encode(hash('sha256', data, 'base64url')),
    appScore: () => 0,
    denied: () => false,
  });
  await host.start();
  for (const peer of peers) await host.dial(multiaddr(peer));
  const pubsub = host.services.pubsub;
  const keys = generateKeyPairSync('ed25519');
  const senderPublic = senderKey
    ? createPublicKey({ key: Buffer.from(senderKey, 'base64'), format: 'der', type: 'spki' })
    : undefined;
  const latencies: number[] = [];
  pubsub.topicValidators.set(TOPIC, async (_peer, message) => {
    const data = message.data;
    if (VERIFY) {
      const signed = data.subarray(SIGNED_FROM);
      const signature = data.subarray(8, SIGNED_FROM);
      if (!senderPublic || !verify(null, signed, senderPublic, signature)) return 'reject' as never;
    }
    if (STORE) store.put(data);
    latencies.push(now() - Buffer.from(data.buffer, data.byteOffset, 8).readDoubleBE(0));
    return 'accept' as never;
  });
  pubsub.subscribe(TOPIC);
  post({
    kind: 'started',
    address: host.getMultiaddrs()[0]!.toString(),
    thread: currentThreadId(),
    ...(index === 0 && {
      publicKey: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    }),
  });
  port.on('message', async (m: { cmd: string; count?: number }) => {
    if (m.cmd === 'send') {
      const started = now();
      for (let i = 0; i < m.count!; i += 1) {
        const wait = started + (i * 1000) / RATE - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const data = Buffer.alloc(PAYLOAD_BYTES);
        data.writeDoubleBE(now(), 0);
        randomBytes(32).copy(data, SIGNED_FROM);
        if (VERIFY) sign(null, data.subarray(SIGNED_FROM), keys.privateKey).copy(data, 8);
        if (STORE) store.put(data);
        void pubsub.publish(TOPIC, data);
      }
      post({ kind: 'done' });
    } else if (m.cmd === 'reset') {
      latencies.length = 0;
      post({ kind: 'done' });
    } else if (m.cmd === 'report') {
      post({ kind: 'latencies', values: latencies });
    } else if (m.cmd === 'stop') {
      await host.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
      post({ kind: 'stopped' });
    }
  });
}

/** Runs the floor network once and returns its figures (one JSON-able object). */
export async function runFloor(params: FloorParams): Promise<Record<string, unknown>> {
  const { nodes: NODES, messages: MESSAGES, warmup: WARMUP, rate, work } = params;
  const workers: Worker[] = [];
  const addresses: string[] = [];
  const nodeThreads: string[] = [];
  const next = <K extends FromWorker['kind']>(w: Worker, kind: K) =>
    nextMessage<FromWorker, K>(w, kind);
  let senderKey: string | undefined;
  for (let i = 0; i < NODES; i += 1) {
    const peers = sparsePeers(addresses, i);
    const data: FloorWorkerData = { role: 'floor', index: i, peers, senderKey, work, rate };
    const w = startWorker(import.meta.url, data);
    const started = await next(w, 'started');
    addresses.push(started.address);
    if (started.thread) nodeThreads.push(started.thread);
    senderKey ??= started.publicKey;
    workers.push(w);
  }
  await new Promise((r) => setTimeout(r, 3000)); // heartbeats build the mesh
  const sender = workers[0]!;
  sender.postMessage({ cmd: 'send', count: WARMUP });
  await next(sender, 'done');
  await new Promise((r) => setTimeout(r, 1000));
  for (const w of workers) {
    w.postMessage({ cmd: 'reset' });
    await next(w, 'done');
  }
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadCpuMs();
  sender.postMessage({ cmd: 'send', count: MESSAGES });
  await next(sender, 'done');
  await new Promise((r) => setTimeout(r, 3000)); // stragglers
  const cpu = process.cpuUsage(cpuBefore);
  const threadsAfter = threadCpuMs();
  const latencies: number[] = [];
  for (const w of workers.slice(1)) {
    w.postMessage({ cmd: 'report' });
    const report = await next(w, 'latencies');
    latencies.push(...report.values);
  }
  for (const w of workers) {
    w.postMessage({ cmd: 'stop' });
    await next(w, 'stopped');
    await w.terminate();
  }
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  const p99 = round(percentile(latencies, 99));
  return {
    name: 'gossip_floor_latency',
    unit: 'ms',
    value: p99,
    work,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99,
    max: round(latencies.at(-1) ?? NaN),
    nodes: NODES,
    ratePerSecond: rate,
    deliveredFraction: round(latencies.length / (MESSAGES * (NODES - 1))),
    cpuMsPerMessageAllNodes: round((cpu.user + cpu.system) / 1000 / MESSAGES),
    cpuMsPerMessageByThread:
      cpuSplit(
        threadsBefore,
        threadsAfter,
        { main: currentThreadId(), nodes: nodeThreads },
        MESSAGES,
      ) ?? null,
    environment: environment(),
  };
}

const isEntry =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (!isMainThread && (workerData as { role?: string } | null)?.role === 'floor') await worker();
else if (isMainThread && isEntry) {
  const figures = await runFloor({
    nodes: Number(process.env.BENCH_GOSSIP_NODES ?? 5),
    messages: Number(process.env.BENCH_GOSSIP_MESSAGES ?? 2000),
    rate: Number(process.env.BENCH_GOSSIP_RATE ?? 200),
    warmup: Number(process.env.BENCH_GOSSIP_WARMUP ?? 6000),
    work: floorWork(),
  });
  console.log(JSON.stringify(figures));
}
