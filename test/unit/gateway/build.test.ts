import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildState, ROOT } from '../../../bin/build.mjs';

const dirs: string[] = [];
async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mc-build-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
  return dir;
}
const at = (iso: string) => new Date(iso);

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('the build stamp that decides whether `multichat` compiles first', () => {
  it('is missing without dist/, fresh after a build, stale once a source is newer', async () => {
    const root = await tempRoot();
    expect(buildState(root)).toBe('missing');
    await mkdir(join(root, 'dist'));
    expect(buildState(root)).toBe('missing');

    const stamp = join(root, 'dist', '.build-stamp');
    await writeFile(stamp, 'built\n');
    await utimes(join(root, 'src', 'a.ts'), at('2026-01-01'), at('2026-01-01'));
    await utimes(join(root, 'src'), at('2026-01-01'), at('2026-01-01'));
    await utimes(stamp, at('2026-01-02'), at('2026-01-02'));
    expect(buildState(root)).toBe('fresh');

    await mkdir(join(root, 'src', 'deep'));
    await writeFile(join(root, 'src', 'deep', 'b.ts'), 'export const b = 2;\n');
    await utimes(join(root, 'src', 'deep', 'b.ts'), at('2026-01-03'), at('2026-01-03'));
    await utimes(join(root, 'src', 'deep'), at('2026-01-01'), at('2026-01-01'));
    expect(buildState(root)).toBe('stale');
  });

  it('counts a changed tsconfig as a change, and an install without src/ as fresh', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'dist', '.build-stamp'), 'built\n');
    await utimes(join(root, 'src', 'a.ts'), at('2026-01-01'), at('2026-01-01'));
    await utimes(join(root, 'src'), at('2026-01-01'), at('2026-01-01'));
    await utimes(join(root, 'dist', '.build-stamp'), at('2026-01-02'), at('2026-01-02'));
    await writeFile(join(root, 'tsconfig.build.json'), '{}\n');
    expect(buildState(root)).toBe('stale');

    await rm(join(root, 'src'), { recursive: true });
    expect(buildState(root)).toBe('fresh');
  });
});

describe('multichat without dist/ and without TypeScript (a production install)', () => {
  it('exits 1 saying to run npm run build, and writes no dist/', async () => {
    const root = await tempRoot();
    await cp(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
    const child = spawn(process.execPath, [join(root, 'bin', 'multichat.mjs'), '--version'], {
      cwd: root,
      env: { ...process.env, MULTICHAT_FROM_SOURCE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toContain('dist/ is missing');
    expect(output).toContain('TypeScript is not installed');
    expect(output).toContain('npm run build');
    expect(buildState(root)).toBe('missing');
  });
});
