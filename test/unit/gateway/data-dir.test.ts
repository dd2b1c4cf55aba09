import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../../src/gateway/data-dir.js';
import { DataDirNotADirectoryError } from '../../../src/gateway/errors.js';

const root = mkdtempSync(join(tmpdir(), 'mc-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (p: string): number => statSync(p).mode & 0o777;

function recorder() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  return { lines, warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) };
}

describe('secureDataDir', () => {
  it('creates a missing data dir 0700 without a warning', () => {
    const dir = join(root, 'new', 'data');
    const log = recorder();
    expect(secureDataDir(dir, log as never)).toEqual([]);
    expect(modeOf(dir)).toBe(0o700);
    expect(log.lines).toEqual([]);
  });

  it('fixes the dir and each private file, warning with the old and new mode', () => {
    const dir = join(root, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    for (const f of ['multichat.db', 'multichat.db-wal', 'mapping.db-shm', 'node.key']) {
      writeFileSync(join(dir, f), 'x');
      chmodSync(join(dir, f), 0o644);
    }
    writeFileSync(join(dir, 'admin-token'), 'x');
    chmodSync(join(dir, 'admin-token'), 0o640);
    // Not a private file of ours: left as it is.
    writeFileSync(join(dir, 'denied-peers'), '');
    chmodSync(join(dir, 'denied-peers'), 0o644);
    const log = recorder();
    const fixes = secureDataDir(dir, log as never);
    expect(fixes).toHaveLength(6);
    expect(modeOf(dir)).toBe(0o700);
    for (const f of [
      'multichat.db',
      'multichat.db-wal',
      'mapping.db-shm',
      'node.key',
      'admin-token',
    ]) {
      expect(modeOf(join(dir, f)), f).toBe(0o600);
    }
    expect(modeOf(join(dir, 'denied-peers'))).toBe(0o644);
    expect(log.lines).toContainEqual({
      obj: { path: join(dir, 'admin-token'), mode: '0640', fixedTo: '0600' },
      msg: 'data dir entry was open to other users; mode fixed',
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ obj: { path: dir, mode: '0755', fixedTo: '0700' } }),
    );
    // A second start finds nothing to fix.
    expect(secureDataDir(dir, recorder() as never)).toEqual([]);
  });

  it('leaves stricter modes alone (0400 stays 0400)', () => {
    const dir = join(root, 'strict');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'node.key'), 'x', { mode: 0o400 });
    expect(secureDataDir(dir, recorder() as never)).toEqual([]);
    expect(modeOf(join(dir, 'node.key'))).toBe(0o400);
  });

  it('follows a symlinked database to its target, which SQLite opens', () => {
    const dir = join(root, 'linked');
    mkdirSync(dir, { mode: 0o700 });
    const target = join(root, 'elsewhere.db');
    writeFileSync(target, 'x');
    chmodSync(target, 0o644);
    symlinkSync(target, join(dir, 'multichat.db'));
    secureDataDir(dir, recorder() as never);
    expect(modeOf(target)).toBe(0o600);
  });

  it('a data dir path that is a file is refused by name', () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    expect(() => secureDataDir(file, recorder() as never)).toThrow(DataDirNotADirectoryError);
    expect(() => secureDataDir(file, recorder() as never)).toThrow(`node.dataDir ${file}`);
  });
});
