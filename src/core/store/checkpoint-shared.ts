/** What the store's main thread and its checkpoint thread (checkpoint-worker.ts) share. */

/** Slots of the shared Int32Array. */
export const Slot = {
  /** 0: run; 1: stop. */
  control: 0,
  /** One of Phase. */
  phase: 1,
  /** Passive checkpoints that found frames to copy. */
  checkpoints: 2,
  /**
   * Times the writer started the WAL over from its beginning after passive checkpoints copied
   * all of it (those a RESTART forced are not counted).
   */
  walRestarts: 3,
  /** Forced (RESTART) checkpoints: the WAL reached the limit. */
  forced: 4,
  /** Frames in the WAL after the last checkpoint, and the most seen. */
  walFrames: 5,
  maxWalFrames: 6,
  /** Checkpoints that SQLite answered busy (left for the next round). */
  busy: 7,
  /** Rounds the thread woke for, copying or not. */
  rounds: 8,
} as const;
export const SLOTS = 9;

export const Phase = { starting: 0, open: 1, closed: 2, cancelled: 3 } as const;

export interface CheckpointWorkerData {
  readonly file: string;
  readonly shared: SharedArrayBuffer;
  readonly intervalMs: number;
  /**
   * A round copies nothing until the WAL holds this much. Each complete copy lets the writer
   * start the WAL over, and that start syncs the WAL's header on the main thread (1-5 ms): a
   * copy after every commit would put that sync into every commit of a quiet relay.
   */
  readonly fromBytes: number;
  /** From this WAL size on, a checkpoint that left frames behind runs again at once (a few passes). */
  readonly restartBytes: number;
  /** From this WAL size on, a RESTART checkpoint makes the writer start the WAL over. */
  readonly limitBytes: number;
  /** How long a RESTART checkpoint waits for the writer's transaction to end. */
  readonly busyTimeoutMs: number;
}
