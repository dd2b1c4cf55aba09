/**
 * A gateway data directory holding a large log (1,000,000 entries by default), for the start-up
 * benchmark. Built once through the core (one person, 10 channels, messages written in bulk) and
 * kept under `.peers/bench-data/` (ignored by git); later runs reuse it. A `complete` marker is
 * written last, so a build cut short is thrown away and made again. Bounded: the build refuses
 * when the disk has less than 4 GiB free. The leading `_` keeps run-all from running this file.
 * Run alone (`node … bench/_startup-data.ts`) it builds the directory and prints its path.
 */
import '../bin/polyfill.mjs';
import { existsSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNode } from '../src/core/index.js';
import type { ChannelId } from '../src/core/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHANNELS = 10;
const BATCH = 2_000;

/** The data directory with `entries` log entries (built if missing); how long a build took. */
export async function largeDataDir(
  entries: number,
): Promise<{ dir: string; buildMs: number | null }> {
  const dir = join(ROOT, '.peers', 'bench-data', `startup-${entries}`);
  if (existsSync(join(dir, 'complete'))) return { dir, buildMs: null };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const free = statfsSync(dir);
  if (free.bavail * free.bsize < 4 * 2 ** 30) {
    throw new Error(`less than 4 GiB free under ${dir}: not building a ${entries}-entry log`);
  }
  const started = performance.now();
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  const { user } = await node.createLocalUser('bench');
  const channels: ChannelId[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: `room-${c}` });
    channels.push(channel!.id);
  }
  let written = node.metrics().entries;
  for (let i = 0; written < entries; i++) {
    const batch: Promise<unknown>[] = [];
    for (let k = 0; k < BATCH && written + k < entries; k++) {
      const n = i * BATCH + k;
      batch.push(
        node.submit(
          user.id,
          {
            kind: 'sendMessage',
            channel: channels[n % CHANNELS] as ChannelId,
            text: `message ${n}: the quick brown fox jumps over the lazy dog`,
          },
          { bulk: true },
        ),
      );
    }
    await Promise.all(batch);
    await node.commitWrites();
    written = node.metrics().entries;
  }
  await node.stop();
  writeFileSync(join(dir, 'complete'), `${written}\n`);
  return { dir, buildMs: Math.round(performance.now() - started) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await largeDataDir(n)));
}
