import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DataDirModeError, DataDirNotADirectoryError, octal } from './errors.js';

/** The data dir: only its owner may list or enter it. */
export const DATA_DIR_MODE = 0o700;
/** Every database and key file in it. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The files of the data dir that hold secrets or private data: `multichat.db` holds each local
 * user's Ed25519 seed, `mapping.db` the bridges' mapping, `node.key` the node's key, and the
 * SQLite WAL and shared-memory files copies of database pages.
 */
export const PRIVATE_FILES: readonly string[] = [
  ...['multichat.db', 'mapping.db'].flatMap((db) => [
    db,
    `${db}-wal`,
    `${db}-shm`,
    `${db}-journal`,
  ]),
  'node.key',
  'admin-token',
  // Signs media links (media-links.ts): whoever reads it can hand out any file.
  'media-link-key',
];

/** What securing the data dir changed: one entry per fixed path. */
export interface ModeFix {
  readonly path: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Creates the data dir 0700, or makes an existing one 0700, and makes every private file in it
 * that exists 0600. Each change is logged as a warning naming the path and both modes (the
 * files were readable by other local users until now). Throws DataDirModeError when a mode
 * cannot be changed. A symlink (a database moved to another disk) is followed: SQLite opens
 * its target, so the target is what must be private.
 */
export function secureDataDir(dataDir: string, logger: Pick<Logger, 'warn'>): ModeFix[] {
  const fixes: ModeFix[] = [];
  const dir = statOrUndefined(dataDir);
  if (dir === undefined) {
    mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
    // mkdir's mode passes through the umask, which can only take bits away: 0700 or less.
  } else if (!dir.isDirectory()) {
    throw new DataDirNotADirectoryError(dataDir);
  } else {
    fix(dataDir, dir.mode, DATA_DIR_MODE, fixes);
  }
  for (const name of PRIVATE_FILES) {
    const path = join(dataDir, name);
    const stat = statOrUndefined(path);
    if (stat?.isFile()) fix(path, stat.mode, PRIVATE_FILE_MODE, fixes);
  }
  for (const f of fixes) {
    logger.warn(
      { path: f.path, mode: octal(f.from), fixedTo: octal(f.to) },
      'data dir entry was open to other users; mode fixed',
    );
  }
  return fixes;
}

/** chmods `path` to `wanted` when group or other users have any access to it. */
function fix(path: string, mode: number, wanted: number, fixes: ModeFix[]): void {
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, wanted);
  } catch (err) {
    throw new DataDirModeError(path, mode, { cause: err });
  }
  fixes.push({ path, from: mode & 0o777, to: wanted });
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Runs `fn` with the process umask at 077, so every file created meanwhile (the SQLite
 * databases, and their -wal and -shm files, which SQLite creates with the database's mode) is
 * private from its first byte. The previous umask is restored afterwards. Where the umask
 * cannot be set (worker threads), `fn` just runs: the caller's secureDataDir pass fixes modes.
 */
export async function withPrivateUmask<T>(fn: () => Promise<T>): Promise<T> {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    previous = undefined;
  }
  try {
    return await fn();
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}
