/**
 * HTTP API latency while the node ingests gossip: one node (the main thread: core, P2P and the
 * HTTP API on loopback) follows a channel in which a second node (a worker thread) posts at
 * 200 msg/s; a client (another worker thread) reads the channel's last 50 messages
 * (`GET /api/v1/channels/:id/messages?limit=50`) 50 times a second, one request at a time, and
 * times each from send to the end of the body. Runs twice in one process: signature checks on
 * the main thread, then on a worker (P2P option `signatureWorker`); each run first warms up
 * (not measured), then times the API idle, then while ingesting. Also reports the main thread's
 * CPU per ingested message. Prints one JSON object (target: p99 < 20 ms while ingesting).
 * `BENCH_API_MESSAGES`, `BENCH_API_RATE`, `BENCH_API_WARMUP` override 2000, 200, 4000.
 * The store's WAL checkpoints run on their own thread (the default); with
 * `MULTICHAT_WAL_CHECKPOINTS=inline` SQLite runs one inside a commit, on the main thread, every
 * ~4,000 WAL pages (~1.7 s at 200 msg/s), writing and syncing ~32 MiB: the JSON says which ran
 * (`walCheckpoints`) and what the thread did (`checkpointThread`).
 * `BENCH_API_WAL_AUTOCHECKPOINT=<pages>` sets the receiving node's `wal_autocheckpoint` with
 * inline checkpoints (0: none during the run; the WAL grows ~100 KB per message).
 */
import '../bin/polyfill.mjs';
import { serve } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { createNode } from '../src/core/index.js';
import { loadOrCreateNodeKey } from '../src/core/identity.js';
import { createP2P } from '../src/core/p2p/index.js';
import type { ChannelId, UserId } from '../src/core/types.js';
import { createApp } from '../src/gateway/http/index.js';
import { currentThreadId, threadCpuMs } from './_threads.js';
import { environment } from './environment.js';
import { nextMessage, percentile, startWorker } from './_workers.js';

const MESSAGES = Number(process.env.BENCH_API_MESSAGES ?? 2000);
const RATE = Number(process.env.BENCH_API_RATE ?? 200);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 4000);
const WAL_AUTOCHECKPOINT = process.env.BENCH_API_WAL_AUTOCHECKPOINT;
const REQUESTS_PER_SECOND = 50;
const IDLE_MS = 5000;
const ADMIN = 'bench-admin-token-0123456789abcdef';
const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type Role = { role: 'sender' } | { role: 'client'; url: string; token: string };
type FromWorker =
  | { kind: 'started'; address?: string; channel?: string }
  | { kind: 'done' }
  | { kind: 'latencies'; values: number[]; failed: number };

async function sender(): Promise<void> {
  const port = parentPort!;
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-api-sender-'));
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
  })({ node });
  await p2p.start();
  const { user } = await node.createLocalUser('sender');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'bench' });
  port.postMessage({ kind: 'started', address: p2p.addresses()[0], channel: channel!.id });
  port.on('message', async (m: { cmd: 'send'; count: number } | { cmd: 'stop' }) => {
    if (m.cmd === 'stop') {
      await p2p.stop();
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
      port.postMessage({ kind: 'done' });
      return;
    }
    const started = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < m.count; i += 1) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const text = `m${i}`;
      sends.push(node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text }));
    }
    await Promise.all(sends);
    port.postMessage({ kind: 'done' });
  });
}

/** Reads the channel until told to stop; answers with the latencies since the last report. */
async function client(url: string, token: string): Promise<void> {
  const port = parentPort!;
  let latencies: number[] = [];
  let failed = 0;
  let running = true;
  port.on('message', (m: { cmd: 'report' | 'stop' }) => {
    port.postMessage({ kind: 'latencies', values: latencies, failed });
    latencies = [];
    failed = 0;
    if (m.cmd === 'stop') running = false;
  });
  port.postMessage({ kind: 'started' });
  const headers = { authorization: `Bearer ${token}` };
  for (let next = performance.now(); running; next += 1000 / REQUESTS_PER_SECOND) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { messages?: unknown[] };
    if (res.status === 200 && Array.isArray(body.messages)) latencies.push(performance.now() - at);
    else failed += 1;
  }
}

/** One run: a fresh receiving node with the API, with or without the signature worker. */
async function run(signatureWorker: boolean): Promise<Record<string, unknown>> {
  const next = <K extends FromWorker['kind']>(w: Worker, kind: K) =>
    nextMessage<FromWorker, K>(w, kind);
  const send = startWorker(import.meta.url, { role: 'sender' } satisfies Role);
  const { address, channel } = await next(send, 'started');
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-api-'));
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  // The store's connection is internal to the node: reached here for these figures only.
  const { db } = (node as unknown as { q: { db: StoreHandle } }).q;
  if (WAL_AUTOCHECKPOINT !== undefined) {
    db.pragma(`wal_autocheckpoint = ${Number(WAL_AUTOCHECKPOINT)}`);
  }
  const ingestCalls = watchIngest(node);
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
    signatureWorker,
  })({ node });
  await p2p.start();
  await p2p.dial(address!);
  await p2p.fetchChannel(channel!);
  const { user, token } = await node.createLocalUser('reader');
  await node.submit(user.id as UserId, { kind: 'joinChannel', channel: channel as ChannelId });
  let ingested = 0;
  node.on('message', (event) => {
    if (!event.local) ingested += 1;
  });
  const { app, sse } = createApp(
    { node, adminToken: ADMIN, logger: quiet, status: {} },
    { rateLimit: { perSecond: 10_000, burst: 10_000 } },
  );
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/api/v1/channels/${channel}/messages?limit=50`;
  const reader = startWorker(import.meta.url, { role: 'client', url, token } satisfies Role);
  await next(reader, 'started');
  const report = async (cmd: 'report' | 'stop') => {
    reader.postMessage({ cmd });
    return next(reader, 'latencies');
  };
  await new Promise((r) => setTimeout(r, 3000)); // heartbeats build the mesh
  send.postMessage({ cmd: 'send', count: WARMUP });
  await next(send, 'done');
  await new Promise((r) => setTimeout(r, 1000)); // the warm-up's last deliveries
  await report('report');
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = await report('report');
  const main = currentThreadId();
  const cpuBefore = threadCpuMs().get(main ?? '') ?? NaN;
  const ingestedBefore = ingested;
  // How long the main thread's event loop was held: what a request waits before it is read.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  ingestCalls.length = 0;
  send.postMessage({ cmd: 'send', count: MESSAGES });
  await next(send, 'done');
  loopDelay.disable();
  const calls = [...ingestCalls];
  const checkpointThread = db.checkpointStats();
  const busy = await report('stop');
  await new Promise((r) => setTimeout(r, 2000)); // stragglers
  const mainCpu = (threadCpuMs().get(main ?? '') ?? NaN) - cpuBefore;
  const delivered = ingested - ingestedBefore;
  send.postMessage({ cmd: 'stop' });
  await next(send, 'done');
  await send.terminate();
  await reader.terminate();
  sse.closeAll();
  await new Promise((r) => server.close(r));
  await p2p.stop();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
  const round = (x: number) => Math.round(x * 100) / 100;
  const figures = (values: number[], failed: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      requests: sorted.length,
      failed,
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
    };
  };
  return {
    idleMs: figures(idle.values, idle.failed),
    ingestingMs: figures(busy.values, busy.failed),
    delivered,
    mainThreadCpuMsPerMessage: round(mainCpu / MESSAGES),
    // Event-loop delay while ingesting, beyond the 5 ms sampling interval (ms).
    loopDelayMs: {
      p50: round(loopDelay.percentile(50) / 1e6),
      p99: round(loopDelay.percentile(99) / 1e6),
      max: round(loopDelay.max / 1e6),
    },
    ingestCalls: ingestFigures(calls),
    // Totals since the node opened (warm-up included); undefined with inline checkpoints.
    checkpointThread,
  };
}

/** What this bench reads of the node's store connection (src/core/store/database.ts). */
interface StoreHandle {
  pragma(sql: string): unknown;
  checkpointStats(): Record<string, unknown> | undefined;
}

/** One `node.ingest` call: wall time from call to settle, and how many entries it carried. */
interface IngestCall {
  ms: number;
  entries: number;
}

/**
 * Records every `node.ingest` call (the P2P ingest queue's batches): a call is one SQLite
 * transaction plus the state apply, most of it synchronous, so its length is how long a
 * request can wait behind it.
 */
function watchIngest(node: { ingest: (...args: never[]) => Promise<unknown> }): IngestCall[] {
  const calls: IngestCall[] = [];
  const original = node.ingest.bind(node) as (...args: unknown[]) => Promise<unknown>;
  (node as { ingest: unknown }).ingest = async (...args: unknown[]) => {
    const at = performance.now();
    try {
      return await original(...args);
    } finally {
      calls.push({ ms: performance.now() - at, entries: (args[0] as unknown[]).length });
    }
  };
  return calls;
}

function ingestFigures(calls: readonly IngestCall[]): Record<string, number> {
  const ms = calls.map((c) => c.ms).sort((a, b) => a - b);
  const sizes = calls.map((c) => c.entries).sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    calls: calls.length,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.at(-1) ?? NaN),
    over10Ms: ms.filter((x) => x > 10).length,
    entriesP50: percentile(sizes, 50),
    entriesMax: sizes.at(-1) ?? 0,
  };
}

async function main(): Promise<void> {
  const inline = await run(false);
  const worker = await run(true);
  const p99 = (r: Record<string, unknown>) => (r.ingestingMs as { p99: number }).p99;
  console.log(
    JSON.stringify({
      name: 'api_latency_while_ingesting',
      unit: 'ms',
      value: p99(worker),
      target: { p99: 20 },
      ratePerSecond: RATE,
      messages: MESSAGES,
      requestsPerSecond: REQUESTS_PER_SECOND,
      walCheckpoints: process.env.MULTICHAT_WAL_CHECKPOINTS === 'inline' ? 'inline' : 'thread',
      ...(WAL_AUTOCHECKPOINT !== undefined && { walAutocheckpoint: Number(WAL_AUTOCHECKPOINT) }),
      signaturesOnMainThread: inline,
      signaturesOnWorker: worker,
      loadAverage1m: { atStart: loadAtStart, atEnd: Math.round(loadavg()[0]! * 100) / 100 },
      environment: environment(),
    }),
  );
  if (inline.delivered !== MESSAGES || worker.delivered !== MESSAGES) process.exitCode = 1;
}

if (isMainThread) await main();
else {
  const data = workerData as Role;
  if (data.role === 'sender') await sender();
  else await client(data.url, data.token);
}
