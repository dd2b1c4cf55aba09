#!/usr/bin/env node
// Entry point of the `multichat` command. It runs the compiled code in dist/, compiling first when
// dist/ is missing or older than src/, so `npm install && npm start` works on a fresh clone.
// MULTICHAT_FROM_SOURCE=1 runs src/ through tsx instead (the test suite does, so it never depends
// on a build). Order matters: the Promise.withResolvers polyfill must run before libp2p loads.
import './polyfill.mjs';

async function loadMain() {
  if (process.env.MULTICHAT_FROM_SOURCE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    return import('../src/gateway/cli/main.ts');
  }
  const { BuildError, build, buildState } = await import('./build.mjs');
  const state = buildState();
  if (state !== 'fresh') {
    console.error(`multichat: dist/ is ${state}; compiling src/ (npm run build)…`);
    try {
      build({ quiet: true });
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      console.error(`multichat: ${error.message}`);
      process.exit(1);
    }
  }
  return import('../dist/gateway/cli/main.js');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
