/** Options of a Multichat node; only `dataDir` is required. */

/** The subset of pino's logger the core uses, so the core does not depend on pino. */
export interface CoreLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface CoreLimits {
  /** Largest message text in bytes (UTF-8). Default 64 KiB. */
  readonly maxMessageBytes: number;
  /** Longest allowed expiry. Default one year. */
  readonly maxExpirySeconds: number;
  /** Largest blob fetched from peers, in bytes (the gateway passes media.maxBytes). Default 25 MiB. */
  readonly maxBlobBytes: number;
}

export interface NodeOptions {
  /** Folder for `node.key` (0600) and `multichat.db`. Created when missing. */
  readonly dataDir: string;
  readonly logger?: CoreLogger;
  /** ms since epoch; injectable for tests of expiry. Default Date.now. */
  readonly clock?: () => number;
  /** How often the expiry sweeper runs. Default 1000 ms. 0 disables the timer. */
  readonly sweepIntervalMs?: number;
  /** How long a presence announcement is believed. Default 90 s. */
  readonly presenceTtlMs?: number;
  readonly limits?: Partial<CoreLimits>;
  /**
   * Verify every stored log's chain and newest signature: each log's newest entries on open, the
   * whole store in the background after start(). Default true.
   */
  readonly verifyOnLoad?: boolean;
  /**
   * Called when the background check finds a stored log that does not verify (ChainError or
   * SignatureError); the node has logged it and stopped by then.
   */
  readonly onStoreRefused?: (error: Error) => void;
  /**
   * The background check begins 2 s after this settles (and after start()): the gateway passes
   * the end of its whole start, so the check never closes a refused store mid-start. Default: at
   * start().
   */
  readonly storeCheckAfter?: Promise<unknown>;
  /**
   * Rebuild a store that holds poisoned clock values (written before clocks were bounded) before
   * opening it; see store/clock-repair.ts. Default: the environment variable
   * MULTICHAT_REPAIR_CLOCKS=1, else false (such a store is refused with a StoredClockError).
   */
  readonly repairStoredClocks?: boolean;
  /**
   * Largest SQLite page cache of the store, in MiB. Default 64: hash-keyed indexes take inserts
   * all over, and live traffic and catch-ups gain from keeping them warm. A one-off writer (a
   * history import) takes less, so its memory does not grow with the store's size.
   */
  readonly cacheMiB?: number;
  /**
   * Where the store's WAL checkpoints run: 'thread' (a worker thread, so that their disk writes
   * and fsync never hold the main thread) or 'inline' (inside a commit, SQLite's default).
   * Default: the environment variable MULTICHAT_WAL_CHECKPOINTS=inline, else 'thread'.
   */
  readonly walCheckpoints?: 'thread' | 'inline';
}

export const defaultLimits: CoreLimits = {
  maxMessageBytes: 64 * 1024,
  maxExpirySeconds: 365 * 24 * 3600,
  maxBlobBytes: 25 * 1024 * 1024,
};

export const silentLogger: CoreLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
