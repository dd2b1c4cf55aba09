/**
 * bench/_memory-map.mjs sorts a process's resident memory by kind for the memory-people bench and
 * the soak: a wrong sort would send the search for RSS to the wrong place (malloc vs V8 heap).
 */
import { describe, expect, it } from 'vitest';
import { memoryMap, memoryMapOf } from '../../../bench/_memory-map.mjs';

/** One smaps entry: address range, permissions, path and resident kB. */
function entry(start: bigint, sizeKb: number, perms: string, path: string, rssKb: number): string {
  const end = start + BigInt(sizeKb) * 1024n;
  return [
    `${start.toString(16)}-${end.toString(16)} ${perms} 00000000 00:00 0          ${path}`,
    `Size:           ${sizeKb} kB`,
    `Rss:            ${rssKb} kB`,
    `Anonymous:      ${path === '' ? rssKb : 0} kB`,
  ].join('\n');
}

const MIB64 = 64n * 2n ** 20n;

describe('memory map', () => {
  it('sorts RSS into the main arena, thread arenas, mapped files and other anonymous memory', () => {
    const smaps = [
      entry(0x5000_0000n, 4096, 'r-xp', '/usr/bin/node', 30_720),
      entry(0x6000_0000n, 40_960, 'rw-p', '[heap]', 40_960),
      // A thread arena: 64 MiB aligned, its used part followed by the inaccessible rest.
      entry(0x7f00n * MIB64, 2048, 'rw-p', '', 1024),
      entry(0x7f00n * MIB64 + 2048n * 1024n, 63_488, '---p', '', 0),
      // A whole 64 MiB arena in use.
      entry(0x7f01n * MIB64, 65_536, 'rw-p', '', 2048),
      // Aligned but followed by nothing that completes 64 MiB: V8 or malloc's mmap, not an arena.
      entry(0x7f02n * MIB64, 256, 'rw-p', '', 256),
      // A V8 page, not aligned to 64 MiB.
      entry(0x1234_0004_0000n, 256, 'rw-p', '', 256),
      entry(0x7ffc_0000_0000n, 132, 'rw-p', '[stack]', 512),
    ].join('\n');
    const map = memoryMapOf(smaps, 'Name:\tnode\nThreads:\t11\n');
    expect(map).toEqual({
      rssMb: 74,
      mallocMainMb: 40,
      mallocArenasMb: 3,
      filesMb: 30,
      otherAnonMb: 1,
      arenas: 2,
      threads: 11,
    });
  });

  it('reads a live process: the parts add up to its RSS', () => {
    const map = memoryMap();
    if (map === undefined) return; // no /proc here: the bench and the soak report no breakdown
    const parts = map.mallocMainMb + map.mallocArenasMb + map.filesMb + map.otherAnonMb;
    expect(map.rssMb).toBeGreaterThan(10);
    expect(Math.abs(parts - map.rssMb)).toBeLessThan(0.5);
    expect(map.filesMb).toBeGreaterThan(1);
    expect(map.threads).toBeGreaterThan(1);
  });
});
