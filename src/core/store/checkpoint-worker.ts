/**
 * Body of the store's checkpoint thread (started by checkpointer.ts): copies the WAL's pages
 * into the database file with its own connection, so that the writes and the fsync of a
 * checkpoint (25-60 ms each on a loaded disk) never hold the node's main thread.
 *
 * It talks to the main thread through shared memory only (checkpoint-shared.ts): it sleeps in
 * Atomics.wait between checkpoints, which a stop request wakes at once, and the main thread can
 * wait for it to close its connection synchronously (the store's close() is synchronous).
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Phase, Slot, type CheckpointWorkerData } from './checkpoint-shared.js';

/** Most extra passes per round to copy the frames committed during the previous one. */
const CATCH_UP_PASSES = 4;

/**
 * The WAL's committed frames, read from the wal-index header at the start of the `-shm` file
 * (SQLite's documented WAL format: `mxFrame`, a 32-bit integer in the machine's byte order at
 * byte 16). Read without SQLite's locks: a torn value only moves one round's decision.
 */
function framesReader(file: string): () => number {
  let fd: number | undefined;
  const word = Buffer.alloc(4);
  return () => {
    try {
      fd ??= openSync(`${file}-shm`, 'r');
      if (readSync(fd, word, 0, 4, 16) < 4) return 0;
      return endianness() === 'LE' ? word.readUInt32LE(0) : word.readUInt32BE(0);
    } catch {
      // No -shm yet (or gone): let the round run as it did before the threshold.
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      return Number.MAX_SAFE_INTEGER;
    }
  };
}

interface Result {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

function main(data: CheckpointWorkerData): void {
  const state = new Int32Array(data.shared);
  // The main thread may have closed the store before this thread got here.
  if (Atomics.compareExchange(state, Slot.phase, Phase.starting, Phase.open) !== Phase.starting) {
    return;
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(data.file, { timeout: data.busyTimeoutMs, fileMustExist: true });
    // A checkpoint syncs the WAL before and the database file after copying (NORMAL or FULL):
    // that sync is what makes it safe for the writer to start the WAL over.
    db.pragma('synchronous = NORMAL');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const checkpoint = (mode: 'PASSIVE' | 'RESTART') =>
      (db!.pragma(`wal_checkpoint(${mode})`) as Result[])[0]!;
    const frames = framesReader(data.file);
    parentPort?.postMessage('ready');
    let previous: Result = { busy: 0, log: 0, checkpointed: 0 };
    let forced = false;
    while (Atomics.load(state, Slot.control) === 0) {
      Atomics.wait(state, Slot.control, 0, data.intervalMs);
      if (Atomics.load(state, Slot.control) !== 0) break;
      Atomics.add(state, Slot.rounds, 1);
      if (frames() * pageSize < data.fromBytes) continue;
      let result = checkpoint('PASSIVE');
      // SQLite answers the WAL's frames and how many of them are in the database file: fewer
      // frames than last time means the writer started the WAL over in between.
      const restarted = result.log < previous.log;
      if (restarted && !forced) Atomics.add(state, Slot.walRestarts, 1);
      forced = false;
      if (result.checkpointed > (restarted ? 0 : previous.checkpointed)) {
        Atomics.add(state, Slot.checkpoints, 1);
      }
      // The writer starts the WAL over only when its transaction begins with every frame
      // copied. A pass copies the frames committed before it began (its `log`), so the WAL is
      // all copied once a pass finds no frame newer than the previous pass did: that needs a
      // pass during which nothing was committed. Later passes copy only what was committed
      // during the one before (their fsyncs are most of their time).
      for (let pass = 0; pass < CATCH_UP_PASSES; pass += 1) {
        if (result.log * pageSize < data.restartBytes) break;
        const before = result.log;
        result = checkpoint('PASSIVE');
        if (result.log === before) break;
      }
      // Past the limit and still growing: the writer never began a transaction while the WAL was
      // fully copied (steady writes). A RESTART checkpoint holds the write lock while it copies
      // the last frames (the main thread's next write waits that long, once per limit's worth
      // of WAL), so the writer's next transaction finds everything copied and starts over.
      if (result.log > previous.log && result.log * pageSize >= data.limitBytes) {
        Atomics.add(state, Slot.forced, 1);
        forced = true;
        result = checkpoint('RESTART');
      }
      if (result.busy !== 0) Atomics.add(state, Slot.busy, 1);
      previous = result;
      Atomics.store(state, Slot.walFrames, result.log);
      if (result.log > Atomics.load(state, Slot.maxWalFrames)) {
        Atomics.store(state, Slot.maxWalFrames, result.log);
      }
    }
  } finally {
    db?.close();
    Atomics.store(state, Slot.phase, Phase.closed);
    Atomics.notify(state, Slot.phase);
  }
}

main(workerData as CheckpointWorkerData);
