/**
 * Timing marks along the relay pipeline (inbound → core commit → outbox → send), for the
 * benchmarks only (bench/relay-irc.ts prints the breakdown). Off unless the environment
 * variable `MULTICHAT_SPANS` names a file: then each `span(stage)` records the wall-clock time
 * in milliseconds with microsecond decimals, and the marks are appended to that file about
 * once a second and when the process exits. Off, a mark costs one boolean test.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env['MULTICHAT_SPANS'] ?? '';

/** True when marks are recorded (callers may skip building a detail string otherwise). */
export const spansOn = file !== '';

/** Marks kept before a flush; beyond it marks are counted, not kept (memory stays bounded). */
const MAX_PENDING = 100_000;
let pending: string[] = [];
let lost = 0;

/** Records that `stage` was reached now. */
export function span(stage: string): void {
  if (!spansOn) return;
  if (pending.length >= MAX_PENDING) {
    lost += 1;
    return;
  }
  pending.push(`${(performance.timeOrigin + performance.now()).toFixed(3)} ${stage}`);
}

function flush(): void {
  if (pending.length === 0 && lost === 0) return;
  const lines = pending;
  pending = [];
  if (lost > 0) lines.push(`${Date.now()} lost:${lost}`);
  lost = 0;
  appendFileSync(file, `${lines.join('\n')}\n`);
}

if (spansOn) {
  setInterval(flush, 1_000).unref();
  process.on('exit', flush);
}
