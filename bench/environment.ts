/** What every benchmark reports about the machine it ran on. */
import { createHash } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export function environment() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    calibrationMs: calibrationMs(),
  };
}

/**
 * Milliseconds one core takes for a fixed piece of work (hashing and object churn, like a node's
 * own work), taken when the result is printed. A virtual machine's speed can drift by a quarter
 * within an hour; figures from runs whose calibration differs are not comparable as they are.
 */
function calibrationMs(): number {
  let best = Infinity;
  // The fastest of three: the first pays for compiling, and any run may be interrupted.
  for (let round = 0; round < 3; round += 1) best = Math.min(best, calibrationRound());
  return Math.round(best * 10) / 10;
}

function calibrationRound(): number {
  const block = Buffer.alloc(4096, 7);
  const started = performance.now();
  let digest = Buffer.alloc(32);
  for (let i = 0; i < 20_000; i += 1) {
    digest = createHash('sha256').update(block).update(digest).digest();
    const objects = Array.from({ length: 16 }, (_, k) => ({ k, text: `${k}:${i}` }));
    if (objects.length !== 16) throw new Error('unreachable');
  }
  return performance.now() - started;
}
