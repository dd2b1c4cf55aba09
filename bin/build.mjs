#!/usr/bin/env node
// Compiles src/ to dist/ with tsc (tsconfig.build.json), copies the non-TypeScript files the code
// reads at run time (the dashboard page), and writes a stamp the `multichat` command compares with
// the sources to decide whether dist/ is stale. `npm run build` runs this file; the command calls
// build() itself when dist/ is missing or older than src/.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inputs besides src/ whose change makes the compiled output different.
const EXTRA_INPUTS = ['tsconfig.json', 'tsconfig.build.json'];
/** Written by a successful build with the time it started: the build's time. */
const STAMP = '.build-stamp';

export class BuildError extends Error {
  name = 'BuildError';
}

/** Newest modification time (ms) of any file under dir, or 0 when dir is absent. */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * 'missing' when there is no complete build, 'stale' when a source is newer than the build,
 * 'fresh' otherwise. Without src/ (an installed package) a complete dist/ is always fresh.
 */
export function buildState(root = ROOT) {
  const src = join(root, 'src');
  const stamp = join(root, 'dist', STAMP);
  if (!existsSync(stamp)) return 'missing';
  if (!existsSync(src)) return 'fresh';
  const built = statSync(stamp).mtimeMs;
  const extra = EXTRA_INPUTS.map((f) => join(root, f));
  const inputs = Math.max(
    newestMtime(src),
    ...extra.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)),
  );
  return inputs > built ? 'stale' : 'fresh';
}

function findTsc(root) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    throw new BuildError(
      'dist/ is missing or out of date and TypeScript is not installed (it is a dev dependency). ' +
        'Run `npm install` then `npm run build`, or install a package that includes dist/.',
    );
  }
}

/** Copies every file under src/ that tsc does not emit (not .ts) to the same place in `out`. */
function copyAssets(src, dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(src, path, out);
    else if (!entry.name.endsWith('.ts')) {
      const target = join(out, relative(src, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }
}

/**
 * Compiles into a temporary folder and moves it to dist/ only when tsc succeeded, so a failed
 * or interrupted build never leaves a half-written dist/ that looks complete.
 */
export function build({ quiet = false, root = ROOT } = {}) {
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  if (!existsSync(src)) throw new BuildError(`no sources to build: ${src} does not exist`);
  const tsc = findTsc(root);
  // Sources edited while tsc runs must count as newer than this build: the stamp gets the start time.
  const started = new Date();
  const out = join(root, `.dist-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const run = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out],
    {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    const detail = quiet ? `\n${run.stdout ?? ''}${run.stderr ?? ''}` : '';
    throw new BuildError(`tsc -p tsconfig.build.json failed (exit ${run.status})${detail}`);
  }
  copyAssets(src, src, out);
  writeFileSync(join(out, STAMP), `${started.toISOString()}\n`);
  utimesSync(join(out, STAMP), started, started);
  // Renames only, so a start racing this build sees the old dist/, nothing, or the new one.
  const old = join(root, `.dist-old-${process.pid}`);
  try {
    renameSync(dist, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(out, dist);
  } catch (error) {
    // Another `multichat` started at the same time and put its build in place first: use that.
    rmSync(out, { recursive: true, force: true });
    if (buildState(root) === 'missing') throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (error) {
    console.error(error instanceof BuildError ? error.message : error);
    process.exitCode = 1;
  }
}
