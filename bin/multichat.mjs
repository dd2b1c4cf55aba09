#!/usr/bin/env node
// Entry point of the `multichat` command. Order matters: the Promise.withResolvers polyfill must
// run before libp2p is imported, and tsx must be registered before the TypeScript sources load.
import './polyfill.mjs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/gateway/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
