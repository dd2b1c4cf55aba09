/**
 * The memory part of the soak's report: where the gateway's RSS is after the warm-up and at the
 * end, how fast each part grows, and for a long run the RSS slope of its last 10 minutes (a
 * figure that falls towards 0 says RSS levels off; one that stays says it grows).
 */
import type { MemoryMap } from '../../../bench/_memory-map.mjs';
import { floorSlopeOf, slopeOf, type Sample } from './soak-sampling.js';

type Part = 'mallocMainMb' | 'mallocArenasMb' | 'filesMb' | 'otherAnonMb';
const PARTS: readonly Part[] = ['mallocMainMb', 'mallocArenasMb', 'filesMb', 'otherAnonMb'];

/** One sample's memory in MiB (RSS by kind from smaps, the V8 heap from /metrics). */
function snapshot(s: Sample, map: MemoryMap): Record<string, number> {
  return {
    minute: Number(s.minute.toFixed(1)),
    rssMb: map.rssMb,
    heapTotalMb: mib(s.heapTotalMb),
    heapUsedMb: mib(s.heapUsedMb),
    mallocMainMb: map.mallocMainMb,
    mallocArenasMb: map.mallocArenasMb,
    arenas: map.arenas,
    threads: map.threads,
    filesMb: map.filesMb,
    otherAnonMb: map.otherAnonMb,
  };
}

/** /metrics gives bytes / 1e6; the memory map gives MiB. */
const mib = (mb: number): number => Number(((mb * 1e6) / 2 ** 20).toFixed(1));

export function memoryReport(samples: readonly Sample[], warmUp: number, minutes: number) {
  const mapped = samples.filter((s): s is Sample & { map: MemoryMap } => s.map !== undefined);
  const atWarmUp = mapped.find((s) => s.minute >= warmUp);
  const last = mapped.at(-1);
  if (!atWarmUp || !last) return { available: false };
  const slopes: Record<string, number> = {};
  for (const part of PARTS) {
    slopes[part] = slopeOf(mapped, (s) => s.map?.[part] ?? NaN, warmUp, minutes);
  }
  slopes['heapTotalMb'] = slopeOf(mapped, (s) => mib(s.heapTotalMb), warmUp, minutes);
  return {
    available: true,
    // MiB, all of them (the top-level rss figures of the report are MB of 10^6 bytes).
    afterWarmUp: snapshot(atWarmUp, atWarmUp.map),
    atEnd: snapshot(last, last.map),
    peakRssMb: Math.max(...mapped.map((s) => s.map.rssMb)),
    // RSS is a saw that follows the heap: the least-squares slope of a 10-minute window depends
    // on where the teeth fall. Its per-minute lows say whether the floor rises.
    rssLowsSlopeMbPerMinAfterWarmUp: floorSlopeOf(
      mapped,
      (s) => s.map?.rssMb ?? NaN,
      warmUp,
      minutes,
    ),
    slopeMbPerMinAfterWarmUp: slopes,
    ...(minutes >= 20 && {
      rssSlopeMbPerMinLast10: slopeOf(mapped, (s) => s.map?.rssMb ?? NaN, minutes - 10, minutes),
      rssSlopeMbPerMinWarmUpTo10: slopeOf(mapped, (s) => s.map?.rssMb ?? NaN, warmUp, 10),
    }),
    settings: {
      nodeOptions: process.env['NODE_OPTIONS'] ?? '',
      mallocArenaMax: process.env['MALLOC_ARENA_MAX'] ?? '',
    },
  };
}
