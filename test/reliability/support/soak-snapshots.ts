/**
 * Heap snapshots of the soak's gateway A, to tell memory kept per message from garbage V8 has not
 * collected yet (issue 23). SOAK_HEAP_SNAPSHOTS=3,15 takes one at minutes 3 and 15 of the load,
 * `drained` one more once A has stored and delivered everything (no backlog in it, unlike one
 * taken under load on a busy machine, where queued messages dominate the difference):
 * A starts with `--heapsnapshot-signal=SIGUSR2` and writes each snapshot into SOAK_HEAP_DIR (a new
 * temporary directory by default). A snapshot collects all garbage first, so A's heap in use read
 * right after it is its live size; `bench/_heap-diff.mjs` compares two snapshots by constructor.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../support/eventually.js';
import type { KillableGateway } from './killable-gateway.js';
import { sample } from './soak-sampling.js';

export interface SnapshotPlan {
  /** Minutes of the load at which to take one, ascending. */
  readonly minutes: readonly number[];
  /** One more after the drain. */
  readonly drained: boolean;
  readonly dir: string;
  /** What gateway A's environment needs for them. */
  readonly env: Readonly<Record<string, string>>;
}

export interface TakenSnapshot {
  readonly minute: number;
  readonly file: string;
  /** A's V8 heap in use just after the snapshot's full collection: its live size. */
  readonly heapUsedAfterMb: number;
  readonly heapTotalAfterMb: number;
}

/** The plan SOAK_HEAP_SNAPSHOTS asks for, or undefined when it asks for none. */
export function snapshotPlan(): SnapshotPlan | undefined {
  const wanted = process.env['SOAK_HEAP_SNAPSHOTS'];
  if (!wanted) return undefined;
  const tokens = wanted.split(',').map((t) => t.trim());
  const minutes = tokens
    .map(Number)
    .filter((m) => Number.isFinite(m) && m >= 0)
    .sort((x, y) => x - y);
  const dir = process.env['SOAK_HEAP_DIR'] ?? mkdtempSync(join(tmpdir(), 'mc-soak-heap-'));
  // Added to what the process already has: NODE_OPTIONS may carry other flags.
  const options = [process.env['NODE_OPTIONS'] ?? '', '--heapsnapshot-signal=SIGUSR2'];
  return {
    minutes,
    drained: tokens.includes('drained'),
    dir,
    env: { NODE_OPTIONS: `${options.join(' ').trim()} --diagnostic-dir=${dir}` },
  };
}

const snapshotsIn = (dir: string): string[] =>
  readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));

/**
 * Signals A to write a snapshot and waits until it has: the file exists from the start of the
 * (synchronous) write, so an answer to /metrics after the file appeared comes after the write.
 */
export async function takeSnapshot(
  gw: KillableGateway,
  plan: SnapshotPlan,
  started: number,
): Promise<TakenSnapshot> {
  const before = new Set(snapshotsIn(plan.dir));
  const minute = (Date.now() - started) / 60_000;
  process.kill(gw.pid, 'SIGUSR2');
  let file = '';
  await eventually(
    () => {
      file = snapshotsIn(plan.dir).find((f) => !before.has(f)) ?? '';
      return file !== '';
    },
    { what: 'A starts writing its heap snapshot', timeoutMs: 120_000, intervalMs: 200 },
  );
  const after = await sample(gw, started);
  return {
    minute: Number(minute.toFixed(2)),
    file: join(plan.dir, file),
    heapUsedAfterMb: Number(after.heapUsedMb.toFixed(1)),
    heapTotalAfterMb: Number(after.heapTotalMb.toFixed(1)),
  };
}
