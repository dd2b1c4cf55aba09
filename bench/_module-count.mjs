// Counts the modules a process loads: `node --import <this file>` registers a load hook that
// appends each loaded module's URL to the file named by MC_MODULE_COUNT_FILE. Only modules that go
// through the ESM loader are seen (all of ours and every ESM package; CommonJS files a CommonJS
// package requires are not). bench/startup.ts reads the file. The leading `_` keeps run-all from
// running this file.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// The hooks run on a loader thread that evaluates this file again: register from the main one only.
if (process.env.MC_MODULE_COUNT_FILE && isMainThread) {
  register(new URL(import.meta.url));
}

/** The load hook (this same file, registered as the hooks module): one line per module. */
export async function load(url, context, next) {
  const result = await next(url, context);
  const file = process.env.MC_MODULE_COUNT_FILE;
  if (file) appendFileSync(file, `${url}\n`);
  return result;
}
