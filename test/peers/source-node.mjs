// The one way to run a TypeScript file of this repository from source in a new process or
// worker: node loads the Promise polyfill first (libp2p needs it before it loads), then tsx's
// loader. Plain JavaScript so that bench/run-all.mjs, which node runs without tsx, can use it
// too; test/peers/gateway-spawn.ts wraps it for the tests (`spawnSource`).
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const POLYFILL = resolve(ROOT, 'bin/polyfill.mjs');

/** The arguments of `node` that run `script` (a .ts path) with `args`. */
export function sourceNodeArgs(script, args = []) {
  return ['--import', POLYFILL, '--import', 'tsx', script, ...args];
}

/**
 * The `eval` code of a worker thread that runs `moduleUrl` from source: Node 20 runs no
 * --import hooks for a worker's entry, so the worker registers tsx itself first.
 */
export function sourceWorkerBoot(moduleUrl) {
  const polyfill = JSON.stringify(pathToFileURL(POLYFILL).href);
  return `import(${polyfill}).then(() => import('tsx/esm/api')).then((t) => { t.register(); return import(${JSON.stringify(moduleUrl)}); });`;
}
