/**
 * A 10 MiB image from Discord to Matrix through the gateway (the Discord fake's signed CDN, a
 * real Synapse with authenticated media; `multichat start` as its own process, default
 * media.maxBytes), against the same crossing done directly in the same run: fetch the bytes
 * from the fake CDN, upload them to Synapse, post the m.image. Both are timed from the start
 * (the dispatch, or the direct fetch) until the m.image is in the room and its authenticated
 * download has the same sha256; each run starts after a 1 s pause and the order alternates.
 * Peak memory, measured first (before any file crossed, after a text on every link): the
 * gateway's resident set above idle (VmHWM after clear_refs, and VmRSS sampled, against VmRSS
 * just before) while 4 such files cross at once on 4 links. Targets: time ratio ≤ 1.5, peak
 * ≤ 2 × media.maxBytes. `BENCH_RUNS` (default 5) sets the runs per path. Prints ONE JSON object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { synapseAvailable } from '../test/integration/matrix-setup.js';
import type { FakeUser } from '../test/peers/discord-fake/index.js';
import { eventually } from '../test/support/eventually.js';
import type { MatrixEvent } from '../test/support/matrix-client.js';
import { startMediaWorld, type MediaWorld } from '../test/support/media-world.js';
import { environment } from './environment.js';

// The gateway runs src/ through tsx like in the tests, so no build (or stale dist/) is involved.
process.env['MULTICHAT_FROM_SOURCE'] = '1';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const SIZE = 10 * 1024 * 1024;
/** media.maxBytes's default (src/bridges/net/policy.ts); the memory target is twice it. */
const MAX_BYTES = 25 * 1024 * 1024;
const CONCURRENT = 4;
const SETTLE_MS = 1_000;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A PNG signature and IHDR followed by random bytes: an image/png of `SIZE` bytes. */
function image(): Buffer {
  const head = Buffer.from('89504e470d0a1a0a0000000d4948445200000400000003000806000000', 'hex');
  return Buffer.concat([head, randomBytes(SIZE - head.length)]);
}

/**
 * Resolves once the room holds an m.image named `name` whose download has `hash`; answers how
 * long that download took (part of both timings).
 */
async function readable(
  world: MediaWorld,
  name: string,
  hash: string,
  room = world.room,
): Promise<number> {
  const event = await eventually(
    async () =>
      (await world.alice.timeline(room, 50)).find(
        (e: MatrixEvent) => e.type === 'm.room.message' && e.content['body'] === name,
      ),
    { what: `the m.image ${name}`, timeoutMs: 120_000, intervalMs: 20 },
  );
  if (event.content['msgtype'] !== 'm.image') throw new Error(`${name} is not an m.image`);
  const seen = performance.now();
  const got = await world.alice.download(event.content['url'] as string);
  if (sha256(got) !== hash) throw new Error(`${name}: the download differs`);
  return performance.now() - seen;
}

interface Timing {
  readonly total: number;
  readonly download: number;
  /** Direct path only: reading the CDN, then upload and post. */
  readonly fetch?: number;
  readonly upload?: number;
}

async function throughGateway(world: MediaWorld, user: FakeUser, n: number): Promise<Timing> {
  const data = image();
  const name = `gw-${n}.png`;
  const started = performance.now();
  world.discord.upload(world.discord.channel.id, user, [
    { filename: name, data, contentType: 'image/png' },
  ]);
  const download = await readable(world, name, sha256(data));
  return { total: performance.now() - started, download };
}

async function direct(world: MediaWorld, n: number): Promise<Timing> {
  const data = image();
  const name = `direct-${n}.png`;
  // Stored on the fake CDN without a dispatch: only this run's own code reads it.
  const link = world.discord.cdn.attachment(world.discord.channel.id, {
    filename: name,
    data,
    contentType: 'image/png',
  }) as { url: string };
  const started = performance.now();
  const res = await fetch(link.url);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const fetched = performance.now();
  const mxc = await world.alice.upload(bytes, 'image/png', name);
  await world.alice.send(world.room, {
    msgtype: 'm.image',
    body: name,
    url: mxc,
    info: { mimetype: 'image/png', size: bytes.length },
  });
  const posted = performance.now();
  const download = await readable(world, name, sha256(data));
  return {
    total: performance.now() - started,
    download,
    fetch: fetched - started,
    upload: posted - fetched,
  };
}

const statusKb = (pid: number, field: string): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN);
};

async function burst(
  world: MediaWorld,
  user: FakeUser,
): Promise<{ idleRss: number; peakAboveIdle: number; hwm: number; sampled: number }> {
  const pid = world.gateway.pid;
  const files = Array.from({ length: CONCURRENT }, () => image());
  // Settle after the timed runs, then reset the peak to the current resident set.
  await new Promise((r) => setTimeout(r, 2_000));
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const idleRss = statusKb(pid, 'VmRSS') * 1024;
  // VmHWM is the kernel's own peak; the samples only back it up if clear_refs is refused.
  let sampled = idleRss;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, statusKb(pid, 'VmRSS') * 1024);
  }, 10);
  try {
    // One file per link: messages of one link cross in order, so four links cross at once.
    files.forEach((data, i) =>
      world.discord.upload(world.more[i]!.discordChannel, user, [
        { filename: `burst-${i}.png`, data, contentType: 'image/png' },
      ]),
    );
    await Promise.all(
      files.map((data, i) => readable(world, `burst-${i}.png`, sha256(data), world.more[i]!.room)),
    );
  } finally {
    clearInterval(timer);
  }
  const hwm = statusKb(pid, 'VmHWM') * 1024;
  return { idleRss, peakAboveIdle: Math.max(hwm, sampled) - idleRss, hwm, sampled };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;
const MiB = (x: number) => Math.round((x / 2 ** 20) * 10) / 10;

async function main(): Promise<void> {
  if (!synapseAvailable()) {
    console.log(JSON.stringify({ name: 'media', skipped: 'Synapse is not installed' }));
    return;
  }
  const world = await startMediaWorld({
    media: { maxBytes: MAX_BYTES },
    logLevel: 'warn',
    moreLinks: CONCURRENT,
  });
  try {
    // One sender throughout, so its Matrix ghost is made (and joins the rooms) before timing.
    const sender = world.discord.addUser('sender');
    // Text first, on every link, so the sender's Matrix ghost exists and is in every room.
    await Promise.all(
      [{ discordChannel: world.discord.channel.id, room: world.room }, ...world.more].map(
        async (link, i) => {
          world.discord.say(link.discordChannel, sender, `warm ${i}`);
          await eventually(
            async () =>
              (await world.alice.timeline(link.room, 20)).find(
                (e) => e.content['body'] === `warm ${i}`,
              ),
            { what: `warm ${i}`, timeoutMs: 60_000 },
          );
        },
      ),
    );
    // Memory before any file has crossed: a heap grown by earlier files would hide the cost.
    const memory = await burst(world, sender);
    // One untimed crossing each way, then the timed runs, alternating.
    await throughGateway(world, sender, 0);
    await direct(world, 0);
    const gateway: Timing[] = [];
    const directly: Timing[] = [];
    // Each run starts from a quiet gateway and homeserver (Synapse may still be working on the
    // previous upload), and the order alternates so neither path always goes first.
    const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
    for (let n = 1; n <= RUNS; n += 1) {
      const pair = [
        async () => gateway.push(await throughGateway(world, sender, n)),
        async () => directly.push(await direct(world, n)),
      ];
      for (const run of n % 2 ? pair : pair.reverse()) {
        await settle();
        await run();
      }
    }
    const total = (ts: Timing[]) => median(ts.map((t) => t.total));
    const part = (ts: Timing[], key: 'download' | 'fetch' | 'upload') =>
      round(median(ts.map((t) => t[key] ?? 0)));
    const ratio = total(gateway) / total(directly);
    console.log(
      JSON.stringify({
        name: 'media',
        unit: 'ms',
        value: round(total(gateway)),
        fileBytes: SIZE,
        runs: RUNS,
        gatewayMs: {
          median: round(total(gateway)),
          samples: gateway.map((t) => round(t.total)),
          downloadMedian: part(gateway, 'download'),
        },
        directMs: {
          median: round(total(directly)),
          samples: directly.map((t) => round(t.total)),
          fetchMedian: part(directly, 'fetch'),
          uploadAndPostMedian: part(directly, 'upload'),
          downloadMedian: part(directly, 'download'),
        },
        ratio: Math.round(ratio * 100) / 100,
        memory: {
          maxBytes: MAX_BYTES,
          concurrentFiles: CONCURRENT,
          idleRssMiB: MiB(memory.idleRss),
          peakAboveIdleMiB: MiB(memory.peakAboveIdle),
          // The two readings the peak is the larger of: the kernel's high-water mark after
          // clear_refs, and VmRSS sampled every 10 ms.
          vmHwmMiB: MiB(memory.hwm),
          sampledPeakMiB: MiB(memory.sampled),
        },
        target: {
          ratio: 1.5,
          peakAboveIdleMiB: MiB(2 * MAX_BYTES),
          met: ratio <= 1.5 && memory.peakAboveIdle <= 2 * MAX_BYTES,
        },
        environment: { ...environment(), homeserver: 'Synapse (test/peers/synapse.ts)' },
      }),
    );
  } finally {
    await world.stop();
  }
}

await main();
