/**
 * `multichat import slack-export` of a generated export (test/support/slack-export.ts: threads,
 * edited messages, reactions, files as links, joins) of BENCH_IMPORT_N (default 10,000) messages
 * in 3 channels, into a fresh data dir with the 3 channels created. Each size runs in its own
 * process (peak RSS is per process): N and N/4, so a flat peak RSS shows it does not grow with the
 * export's size. Rate = messages imported / seconds of the command (opening the data, reading
 * the zip, counting, writing the log, the mapping store). Target ≥ 5,000 msg/s. The modules the
 * command loads on use are loaded first and timed apart (`loadSeconds`): here they go through
 * tsx's loader, which the `multichat` command (compiled dist/) does not;
 * `messagesPerSecondWithLoad` counts them in. Prints ONE JSON object.
 */
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createNode } from '../src/core/index.js';
import { main } from '../src/gateway/cli/main.js';
import { writeSlackExport } from '../test/support/slack-export.js';
import { sourceNodeArgs } from '../test/peers/source-node.mjs';
import { environment } from './environment.js';

const N = Number(process.env['BENCH_IMPORT_N'] ?? 10_000);
/**
 * BENCH_IMPORT_SIZES=2500,10000,40000: one process per size instead of N and N/4, and the peak
 * RSS of each side by side (`peakRssMiBBySize`, and the spread: (max - min) / min).
 */
const SIZES = (process.env['BENCH_IMPORT_SIZES'] ?? '')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const CHANNELS = ['general', 'random', 'dev'];

/** The data dir with its 3 channels, the config and the export, made outside the measured process. */
async function prepare(n: number): Promise<{ dir: string; config: string; zip: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mc-bench-import-'));
  const dataDir = join(dir, 'data');
  const node = await createNode({ dataDir, sweepIntervalMs: 0 });
  await node.start();
  const { user: owner } = await node.createLocalUser('owner');
  for (const name of CHANNELS) await node.submit(owner.id, { kind: 'createChannel', name });
  await node.stop();
  const config = join(dir, 'gateway.yaml');
  await writeFile(config, `node: { dataDir: ${dataDir}, mdns: false }\nlog: { level: error }\n`);
  const zip = join(dir, 'export.zip');
  await writeSlackExport(zip, {
    channels: CHANNELS,
    perChannel: Math.round(n / CHANNELS.length),
    users: 20,
    fileEvery: 100,
  });
  return { dir, config, zip };
}

/** The modules `import slack-export` loads on use (commands/import*.ts), loaded up front. */
async function preload(): Promise<number> {
  const started = performance.now();
  await Promise.all([
    import('../src/gateway/cli/commands/import-slack.js'),
    import('../src/bridges/slack/export/index.js'),
    import('../src/bridges/runtime/import.js'),
    import('../src/mapping/index.js'),
  ]);
  return (performance.now() - started) / 1000;
}

async function child(config: string, zip: string): Promise<void> {
  const loadSeconds = await preload();
  const rssBefore = process.memoryUsage().rss;
  const lines: string[] = [];
  const profiler = await startProfile();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const code = await main(['import', 'slack-export', zip, '--config', config], {
    out: (l) => lines.push(l),
    err: () => undefined,
    env: {},
  });
  const seconds = (performance.now() - started) / 1000;
  // CPU seconds of this process: on a machine shared with other work, less noisy than the wall.
  const cpu = process.cpuUsage(cpuBefore);
  const memory = process.memoryUsage();
  await profiler?.(`import-${Date.now()}.cpuprofile`);
  // Before the re-run, which scans the channels again in the same process.
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const imported = Number(/imported (\d+)/.exec(lines.join('\n'))?.[1] ?? 0);
  // With NODE_OPTIONS=--expose-gc: what the import left live, apart from garbage not yet collected.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapLive = gc ? process.memoryUsage().heapUsed : undefined;
  const again: string[] = [];
  await main(['import', 'slack-export', zip, '--config', config], {
    out: (l) => again.push(l),
    err: () => undefined,
    env: {},
  });
  process.stdout.write(
    `${JSON.stringify({
      exit: code,
      summary: lines.at(-1),
      rerun: again.at(-1),
      imported,
      seconds: Math.round(seconds * 100) / 100,
      messagesPerSecond: Math.round(imported / seconds),
      loadSeconds: Math.round(loadSeconds * 100) / 100,
      messagesPerSecondWithLoad: Math.round(imported / (seconds + loadSeconds)),
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
      exportBytes: (await stat(zip)).size,
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      // At the end of the import: what the peak may be made of.
      heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
      heapTotalMiB: Math.round(memory.heapTotal / 2 ** 20),
      externalMiB: Math.round(memory.external / 2 ** 20),
      ...(heapLive !== undefined && { heapLiveMiB: Math.round(heapLive / 2 ** 20) }),
      peakRssWithRerunMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

/**
 * BENCH_IMPORT_PROF=DIR: a CPU profile of the measured import only (not the re-run), written to
 * DIR for Chrome DevTools or a script. Profiling slows the run; its rate is not the figure.
 */
async function startProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  const dir = process.env['BENCH_IMPORT_PROF'];
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (name) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await writeFile(join(dir, name), JSON.stringify(profile));
    session.disconnect();
  };
}

async function run(n: number): Promise<Record<string, unknown>> {
  const { dir, config, zip } = await prepare(n);
  try {
    const script = fileURLToPath(import.meta.url);
    const result = spawnSync(process.execPath, sourceNodeArgs(script), {
      env: { ...process.env, BENCH_IMPORT_CHILD: JSON.stringify({ config, zip }) },
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0 || !line.startsWith('{')) {
      throw new Error(
        `import bench child failed (${result.status}): ${result.stderr.slice(-2000)}`,
      );
    }
    return JSON.parse(line) as Record<string, unknown>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const childArgs = process.env['BENCH_IMPORT_CHILD'];
if (childArgs) {
  const { config, zip } = JSON.parse(childArgs) as { config: string; zip: string };
  await child(config, zip);
} else if (SIZES.length > 0) {
  const runs: Record<string, Record<string, unknown>> = {};
  for (const n of SIZES) runs[n] = await run(n);
  const peaks = Object.values(runs).map((r) => Number(r['peakRssMiB']));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'import',
      sizes: SIZES,
      channels: CHANNELS.length,
      peakRssMiBBySize: Object.fromEntries(SIZES.map((n) => [n, runs[n]!['peakRssMiB']])),
      peakRssSpreadPct: Math.round(
        (100 * (Math.max(...peaks) - Math.min(...peaks))) / Math.min(...peaks),
      ),
      runs,
      targetMessagesPerSecond: 5000,
      environment: environment(),
    })}\n`,
  );
} else {
  const large = await run(N);
  const small = await run(Math.round(N / 4));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'import',
      messages: N,
      channels: CHANNELS.length,
      large,
      small,
      targetMessagesPerSecond: 5000,
      environment: environment(),
    })}\n`,
  );
}
