/**
 * Moves the store's WAL checkpoints off the main thread. SQLite's automatic checkpoint runs
 * inside a commit, on the thread that commits: every ~4,000 pages it copies the WAL into the
 * database file and fsyncs it (25-60 ms on a loaded disk, while an HTTP request waits). Here a
 * worker thread with its own connection runs passive checkpoints instead (checkpoint-worker.ts),
 * and the main connection's automatic checkpoint is off while that thread runs.
 *
 * The thread starts only once the WAL file reaches `startAtBytes`: a store that takes a few
 * writes (most tests, a one-off command) keeps SQLite's automatic checkpoint and never pays for
 * a thread. If the thread fails, the automatic checkpoint comes back (logged once).
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CoreLogger } from '../options.js';
import { Phase, Slot, SLOTS, type CheckpointWorkerData } from './checkpoint-shared.js';

/** Pages of WAL after which SQLite checkpoints inside a commit when no thread does it. */
export const INLINE_AUTOCHECKPOINT = 4000;

export interface CheckpointOptions {
  /** WAL file size from which the thread runs. Default 4 MiB. */
  readonly startAtBytes?: number;
  /** WAL size below which the thread copies nothing (checkpoint-shared.ts). Default 4,000 pages, as inline. */
  readonly fromBytes?: number;
  /** Time between two checkpoints of the thread. Default 1000 ms. */
  readonly intervalMs?: number;
  /** WAL size from which a checkpoint that left frames behind is repeated. Default 32 MiB. */
  readonly restartBytes?: number;
  /** WAL size from which a RESTART checkpoint makes the writer start it over. Default 128 MiB. */
  readonly limitBytes?: number;
}

/** What the thread did so far (WAL sizes in bytes). */
export interface CheckpointStats {
  readonly running: boolean;
  readonly checkpoints: number;
  readonly walRestarts: number;
  readonly forced: number;
  readonly busy: number;
  readonly rounds: number;
  readonly walBytes: number;
  readonly maxWalBytes: number;
}

const MiB = 1024 * 1024;
/** How often the WAL file's size is looked at until the thread runs. */
const WATCH_MS = 1000;
/** How long close() waits for the thread to close its connection (one checkpoint at most). */
const STOP_WAIT_MS = 5000;

export class WalCheckpointer {
  private readonly state = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly pageSize: number;
  private readonly watch: NodeJS.Timeout;
  private worker: Worker | undefined;
  private running = false;
  private stopped = false;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly options: CheckpointOptions = {},
    private readonly logger?: CoreLogger,
  ) {
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
    this.watch = setInterval(() => this.poll(), WATCH_MS).unref();
    this.poll();
  }

  stats(): CheckpointStats {
    const at = (slot: number) => Atomics.load(this.state, slot);
    return {
      running: this.running,
      checkpoints: at(Slot.checkpoints),
      walRestarts: at(Slot.walRestarts),
      forced: at(Slot.forced),
      busy: at(Slot.busy),
      rounds: at(Slot.rounds),
      walBytes: at(Slot.walFrames) * this.pageSize,
      maxWalBytes: at(Slot.maxWalFrames) * this.pageSize,
    };
  }

  /**
   * Ends the thread and waits (synchronously, at most STOP_WAIT_MS) until its connection is
   * closed: the store's own close then is the last connection, which copies what is left of the
   * WAL and removes it.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.watch);
    const worker = this.worker;
    this.worker = undefined;
    this.running = false;
    if (!worker) return;
    Atomics.store(this.state, Slot.control, 1);
    Atomics.notify(this.state, Slot.control);
    const before = Atomics.compareExchange(this.state, Slot.phase, Phase.starting, Phase.cancelled);
    if (before !== Phase.starting) {
      const until = Date.now() + STOP_WAIT_MS;
      while (Atomics.load(this.state, Slot.phase) === Phase.open && Date.now() < until) {
        Atomics.wait(this.state, Slot.phase, Phase.open, until - Date.now());
      }
    }
    void worker.terminate();
  }

  private poll(): void {
    if (this.worker || this.stopped || !this.db.open) return;
    const size = statSync(`${this.file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (size < (this.options.startAtBytes ?? 4 * MiB)) return;
    clearInterval(this.watch);
    this.start();
  }

  private start(): void {
    const data: CheckpointWorkerData = {
      file: this.file,
      shared: this.state.buffer as SharedArrayBuffer,
      intervalMs: this.options.intervalMs ?? 1000,
      fromBytes: this.options.fromBytes ?? INLINE_AUTOCHECKPOINT * this.pageSize,
      restartBytes: this.options.restartBytes ?? 32 * MiB,
      limitBytes: this.options.limitBytes ?? 128 * MiB,
      busyTimeoutMs: 2000,
    };
    const worker = startThread(data);
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: unknown) => {
      if (message !== 'ready' || this.worker !== worker || !this.db.open) return;
      this.db.pragma('wal_autocheckpoint = 0');
      this.running = true;
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`exited with code ${code}`)));
  }

  /** The thread is gone while the store is open: SQLite checkpoints inside commits again. */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.running = false;
    this.logger?.warn(
      { err: error.message },
      'store: checkpoint thread failed; checkpoints inline',
    );
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT}`);
  }
}

/**
 * From source (tests, benchmarks: this file is .ts) the thread registers tsx before loading its
 * body, as Node 20 runs no --import hooks for a worker's entry; the built package loads the
 * compiled .js directly (as p2p/signature-checks.ts does).
 */
function startThread(workerData: CheckpointWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./checkpoint-worker.js', here), { workerData });
  }
  const body = JSON.stringify(new URL('./checkpoint-worker.ts', here).href);
  return new Worker(
    `import('tsx/esm/api').then((t) => { t.register(); return import(${body}); });`,
    { eval: true, workerData },
  );
}
