// Where a process's resident memory is, from /proc/<pid>/smaps (Linux): V8's heap is only part
// of a gateway's RSS, and process.memoryUsage() cannot say what the rest is. Used by the
// memory-people bench (on itself) and the soak (on the gateway it runs). Elsewhere it returns
// undefined. The leading `_` keeps run-all from running this file.
import { readFileSync } from 'node:fs';

/** glibc gives each thread arena a 64 MiB-aligned reservation of 64 MiB (HEAP_MAX_SIZE). */
const ARENA_BYTES = 64 * 2 ** 20;

const mb = (kb) => Math.round((kb / 1024) * 10) / 10;

/** The mappings of smaps text: start address, size, permissions, path and resident kB. */
function mappings(text) {
  const list = [];
  let current;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const start = BigInt(`0x${head[1]}`);
      const end = BigInt(`0x${head[2]}`);
      current = {
        start,
        sizeKb: Number((end - start) / 1024n),
        perms: head[3],
        path: head[4],
        rssKb: 0,
      };
      list.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) current.rssKb = Number(rss[1]);
  }
  return list;
}

/**
 * Resident MB by kind: `mallocMain` (glibc's main arena, [heap]), `mallocArenas` (the arenas
 * glibc gives other threads: SQLite, libuv and V8 helper threads allocate there), `files`
 * (mapped files: node's code, shared libraries, SQLite's -shm), `otherAnon` (the rest of anonymous
 * memory: V8's heap and code space, thread stacks, large malloc blocks), plus the thread count
 * and the number of thread arenas. `undefined` where /proc is not available.
 */
export function memoryMap(pid = 'self') {
  try {
    return memoryMapOf(
      readFileSync(`/proc/${pid}/smaps`, 'utf8'),
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
  } catch {
    return undefined;
  }
}

/** memoryMap() of the text of a smaps file and of a status file. */
export function memoryMapOf(text, status) {
  const list = mappings(text);
  const kb = { mallocMain: 0, mallocArenas: 0, files: 0, otherAnon: 0, total: 0 };
  let arenas = 0;
  for (let i = 0; i < list.length; i += 1) {
    const m = list[i];
    kb.total += m.rssKb;
    if (m.path === '[heap]') kb.mallocMain += m.rssKb;
    else if (m.path.startsWith('/')) kb.files += m.rssKb;
    else if (isArena(m, list[i + 1])) {
      arenas += 1;
      kb.mallocArenas += m.rssKb;
    } else kb.otherAnon += m.rssKb;
  }
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return {
    rssMb: mb(kb.total),
    mallocMainMb: mb(kb.mallocMain),
    mallocArenasMb: mb(kb.mallocArenas),
    filesMb: mb(kb.files),
    otherAnonMb: mb(kb.otherAnon),
    arenas,
    threads,
  };
}

/**
 * A thread arena: an anonymous read-write mapping starting on a 64 MiB boundary whose size, with
 * the inaccessible rest of its reservation right after it, is 64 MiB.
 */
function isArena(m, next) {
  if (m.path !== '' || !m.perms.startsWith('rw') || m.start % BigInt(ARENA_BYTES) !== 0n) {
    return false;
  }
  const reservedKb = ARENA_BYTES / 1024;
  if (m.sizeKb === reservedKb) return true;
  return (
    next !== undefined &&
    next.path === '' &&
    next.perms.startsWith('---') &&
    next.start === m.start + BigInt(m.sizeKb * 1024) &&
    m.sizeKb + next.sizeKb === reservedKb
  );
}
