/**
 * Offline catch-up of an end-to-end encrypted channel against a plaintext channel of the same
 * size (`BENCH_E2EE_CATCHUP` messages each, default 10,000). A source node in a child process
 * (alice) creates both channels; the measuring node (bob) joins both while online, so it is a
 * member entitled to what follows, then goes offline. For each channel in turn (plaintext first,
 * so the encrypted run pays for the larger store and the plaintext one for a cold JIT), the
 * source writes the backlog, and the time is taken from bob's redial until every message of
 * the backlog reads back with its text through the core (so decrypting is in it). Prints one
 * JSON object with both times and their ratio. `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of
 * each process (source and measuring node) into that directory.
 */
import '../bin/polyfill.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createNode } from '../src/core/index.js';
import { loadOrCreateNodeKey } from '../src/core/identity.js';
import { createP2P } from '../src/core/p2p/index.js';
import type { ChannelId, MessageId, MultichatNode } from '../src/core/types.js';
import { ROOT, sourceNodeArgs } from '../test/peers/source-node.mjs';
import { environment } from './environment.js';

const total = Number(process.env.BENCH_E2EE_CATCHUP ?? 10_000);
const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;

function p2pFor(node: MultichatNode, dir: string) {
  return createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
  })({ node });
}

async function startNode(dir: string) {
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  return node;
}

/** Child: alice's node. Reads one command a line from stdin, answers one JSON line each. */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-e2ee-src-'));
  const node = await startNode(dir);
  const p2p = p2pFor(node, dir);
  await p2p.start();
  const { user } = await node.createLocalUser('alice');
  const create = async (name: string, encrypted: boolean) =>
    (await node.submit(user.id, { kind: 'createChannel', name, encrypted })).channel!.id;
  const channels = { plain: await create('plain', false), sealed: await create('sealed', true) };
  const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
  say({ address: p2p.addresses()[0], channels });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, which] = line.split(' ') as [string, 'plain' | 'sealed'];
    if (command === 'members') {
      // Waits until bob's join reached this node (key shares go to the members it knows).
      while (node.listMembers(channels[which]).length < 2)
        await new Promise((r) => setTimeout(r, 50));
      say({ ok: true });
    } else if (command === 'build') {
      const started = performance.now();
      for (let sent = 0; sent < total; sent += 500) {
        const batch = [];
        for (let i = 0; i < 500 && sent + i < total; i += 1)
          batch.push(
            node.submit(user.id, {
              kind: 'sendMessage',
              channel: channels[which],
              text: `backlog ${which} ${sent + i}: the quick brown fox jumps over the lazy dog`,
            }),
          );
        await Promise.all(batch);
      }
      say({ buildMs: performance.now() - started });
    }
  }
  await p2p.stop();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** How many messages of `channel` read back with text (paging the whole history). */
function readable(node: MultichatNode, channel: ChannelId): number {
  let count = 0;
  let before: MessageId | undefined;
  for (;;) {
    const page = node.listMessages(channel, { limit: 500, ...(before && { before }) });
    count += page.filter((m) => typeof m.text === 'string' && m.text.startsWith('backlog')).length;
    if (page.length < 500) return count;
    before = page[0]!.id;
  }
}

async function measure(): Promise<void> {
  const profile = process.env['BENCH_CPU_PROF'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(
    process.execPath,
    [...flags, ...sourceNodeArgs(process.argv[1] as string, ['--serve'])],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ask = async (command?: string) => {
    if (command) child.stdin!.write(`${command}\n`);
    return JSON.parse(((await lines.next()).value as string | undefined) ?? '{}') as Record<
      string,
      unknown
    >;
  };
  const source = (await ask()) as {
    address: string;
    channels: { plain: ChannelId; sealed: ChannelId };
  };

  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-e2ee-dst-'));
  const node = await startNode(dir);
  const { user } = await node.createLocalUser('bob');
  let p2p = p2pFor(node, dir);
  await p2p.start();
  await p2p.dial(source.address);
  for (const which of ['plain', 'sealed'] as const) {
    await p2p.fetchChannel(source.channels[which]);
    await node.submit(user.id, { kind: 'joinChannel', channel: source.channels[which] });
    await p2p.syncNow();
    await ask(`members ${which}`);
  }

  const runs: Record<
    string,
    { seconds: number; rounds: number; readSeconds: number; readable: number; buildSeconds: number }
  > = {};
  for (const which of ['plain', 'sealed'] as const) {
    await p2p.stop();
    const built = (await ask(`build ${which}`)) as { buildMs: number };
    p2p = p2pFor(node, dir);
    await p2p.start();
    const started = performance.now();
    await p2p.dial(source.address);
    let count = 0;
    let rounds = 0;
    // Sync runs in bounded batches; gossip may deliver a tail too. Done when all read back
    // (each round reads the whole history again: `rounds` says how often).
    while (rounds < 1000) {
      rounds += 1;
      await p2p.syncNow();
      count = readable(node, source.channels[which]);
      if (count >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Math.round(performance.now() - started) / 1000;
    // One more full read of the history alone: what opening (or not) every message costs.
    const readStarted = performance.now();
    readable(node, source.channels[which]);
    runs[which] = {
      seconds,
      rounds,
      readSeconds: Math.round(performance.now() - readStarted) / 1000,
      readable: count,
      buildSeconds: Math.round(built.buildMs) / 1000,
    };
  }
  child.stdin!.end();
  await new Promise((done) => child.once('exit', done));
  await p2p.stop();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });

  const plain = runs['plain']!;
  const sealed = runs['sealed']!;
  const complete = plain.readable === total && sealed.readable === total;
  console.log(
    JSON.stringify({
      name: 'e2ee_catchup',
      unit: 'ratio',
      value: Math.round((sealed.seconds / Math.max(plain.seconds, 0.001)) * 100) / 100,
      messages: total,
      complete,
      encrypted: { ...sealed, messagesPerSecond: Math.round(total / sealed.seconds) },
      plaintext: { ...plain, messagesPerSecond: Math.round(total / plain.seconds) },
      order: 'plaintext first, then encrypted, on the same node',
      loadAverage1m: { atStart: loadAtStart, atEnd: Math.round(loadavg()[0]! * 100) / 100 },
      environment: environment(),
    }),
  );
  if (!complete) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await measure();
