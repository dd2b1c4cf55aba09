/**
 * CPU time per thread of this process, from /proc (Linux). process.cpuUsage() sums every thread,
 * including V8's helper threads (optimizing compiler, parallel GC) that all worker isolates
 * share; splitting the sum shows how much of a benchmark's CPU is the nodes' own work.
 * Elsewhere the functions return empty results and the benchmark reports no split.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux builds). */
const TICKS_PER_SECOND = 100;

/** The calling thread's id, or undefined where /proc is not available. */
export function currentThreadId(): string | undefined {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    return undefined;
  }
}

/** CPU milliseconds (user + system) of each live thread of this process, by thread id. */
export function threadCpuMs(): Map<string, number> {
  const times = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at "state"; utime and
      // stime are fields 14 and 15 of the line, so 11 and 12 of this rest.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(rest[11]) + Number(rest[12]);
      times.set(tid, (ticks * 1000) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return times;
}

/**
 * CPU spent between two snapshots, split into the given threads and the rest, in ms per unit
 * of work (`per`). Undefined when /proc gave nothing.
 */
export function cpuSplit(
  before: Map<string, number>,
  after: Map<string, number>,
  own: { readonly main?: string; readonly nodes: readonly string[] },
  per: number,
): { main: number; nodes: number; other: number } | undefined {
  if (after.size === 0) return undefined;
  const spent = (tid: string | undefined) =>
    tid === undefined ? 0 : (after.get(tid) ?? 0) - (before.get(tid) ?? 0);
  let total = 0;
  for (const tid of after.keys()) total += spent(tid);
  const main = spent(own.main);
  const nodes = own.nodes.reduce((sum, tid) => sum + spent(tid), 0);
  const round = (ms: number) => Math.round((ms / per) * 100) / 100;
  return { main: round(main), nodes: round(nodes), other: round(total - main - nodes) };
}
