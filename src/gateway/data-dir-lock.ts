/**
 * One process at a time in a data dir: the gateway while it runs, `multichat import` while it
 * writes history. `<dataDir>/gateway.pid` holds the owner's pid, created exclusively; a file whose
 * process is gone (a crash, kill -9) is stale and taken over.
 */
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLockedError } from './errors.js';

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'gateway.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => release(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readText(path), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid))
        throw new DataDirLockedError(path, pid);
      unlinkQuietly(path); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(path, Number.parseInt(readText(path), 10) || 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function release(path: string): void {
  if (readText(path).trim() === String(process.pid)) unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
