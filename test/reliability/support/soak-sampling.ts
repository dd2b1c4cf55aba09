/**
 * What the soak reads from a gateway's /metrics every few seconds, and the figures it reports
 * from those samples (least-squares slope, median). Each sample also says where the gateway's
 * resident memory is (/proc/<pid>/smaps, bench/_memory-map.mjs): the V8 heap is only part of RSS.
 */
import { memoryMap, type MemoryMap } from '../../../bench/_memory-map.mjs';
import type { KillableGateway } from './killable-gateway.js';

export interface Sample {
  readonly minute: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** V8 heap reserved (used + free + young generation). */
  readonly heapTotalMb: number;
  /** RSS by kind; absent where /proc is not readable. */
  readonly map?: MemoryMap;
  readonly lagP99Ms: number;
  readonly handles: number;
  /** Outbox rows not delivered yet (pending + sending, every network). */
  readonly outbox: number;
  /** Log entries the core has stored. */
  readonly entries: number;
}

export async function sample(gw: KillableGateway, started: number): Promise<Sample> {
  const { text } = await gw.metrics();
  const value = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const outbox = [
    ...text.matchAll(/^multichat_outbox\{[^}]*state="(?:pending|sending)"[^}]*\} (\d+)$/gm),
  ];
  return {
    minute: (Date.now() - started) / 60_000,
    rssMb: value('process_resident_memory_bytes') / 1e6,
    heapUsedMb: value('nodejs_heap_size_used_bytes') / 1e6,
    heapTotalMb: value('nodejs_heap_size_total_bytes') / 1e6,
    map: memoryMap(gw.pid),
    lagP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    handles: value('nodejs_active_handles_total'),
    outbox: outbox.reduce((sum, m) => sum + Number(m[1]), 0),
    entries: value('multichat_entries'),
  };
}

export function median(values: readonly number[]): number {
  return [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Slope per minute of `pick` over the samples from `from` to `to` minutes, 2 decimals. */
export function slopeOf(
  samples: readonly Sample[],
  pick: (s: Sample) => number,
  from: number,
  to: number,
): number {
  const window = samples.filter((s) => s.minute >= from && s.minute <= to);
  return Number(slope(window.map((s) => [s.minute, pick(s)])).toFixed(2));
}

/**
 * Slope per minute of the lowest `pick` of each whole minute from `from` to `to`: heap in use is
 * a saw (V8 collects only near its limit), so its lows, what survived a collection, show growth.
 */
export function floorSlopeOf(
  samples: readonly Sample[],
  pick: (s: Sample) => number,
  from: number,
  to: number,
): number {
  const lows = new Map<number, number>();
  for (const s of samples) {
    if (s.minute < from || s.minute > to) continue;
    const minute = Math.floor(s.minute);
    lows.set(minute, Math.min(lows.get(minute) ?? Infinity, pick(s)));
  }
  return Number(slope([...lows].map(([m, y]) => [m + 0.5, y])).toFixed(2));
}
