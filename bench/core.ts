/**
 * Core throughput: transactions/s for sign + validate + append (SQLite, group commit: one
 * signature per batch), and verification rates — Ed25519 verifies, chain-batch verification (hash
 * links plus the newest signature), and the full ingest of a peer's log by a fresh node.
 * Prints one JSON object. `BENCH_TX` sets the number of messages (default 20000).
 */
import '../bin/polyfill.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNode } from '../src/core/index.js';
import { hasValidSignature, seal, unseal, verifyRun } from '../src/core/log.js';
import { environment } from './environment.js';

const total = Number(process.env.BENCH_TX ?? 20_000);
const concurrency = 500;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-core-'));
  dirs.push(dir);
  return dir;
};

const node = await createNode({ dataDir: tempDir(), sweepIntervalMs: 0 });
const { user } = await node.createLocalUser('bench');
const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'bench' });

const started = performance.now();
for (let sent = 0; sent < total; sent += concurrency) {
  const batch = [];
  for (let i = 0; i < concurrency && sent + i < total; i += 1) {
    batch.push(
      node.submit(user.id, {
        kind: 'sendMessage',
        channel: channel!.id,
        text: `message ${sent + i} of the core benchmark`,
      }),
    );
  }
  await Promise.all(batch);
}
const appendSeconds = (performance.now() - started) / 1000;

const envelopes = node.entriesAfter(user.id as never, 0, total + 10);
const sealed = envelopes.map((e) => seal(e.entry));

// Authors sign the newest entry of each batch: the signed entries give the per-signature rate.
const signedEntries = sealed.filter((s) => s.entry.sig !== undefined);
let t = performance.now();
let valid = 0;
const sample = 10_000;
for (let i = 0; i < sample; i += 1) {
  if (hasValidSignature(signedEntries[i % signedEntries.length]!.entry)) valid += 1;
}
const verifySeconds = (performance.now() - t) / 1000;

// Chain verification as a catching-up peer does it: from the stored bytes (decode, hash, link
// check) in runs of about 2,000 that end at a signed entry, checking that entry's signature.
const stored = sealed.map((s) => s.bytes);
t = performance.now();
let previous: { seq: number; id: (typeof sealed)[number]['id'] } | undefined;
let authenticated = 0;
for (let start = 0; start < stored.length;) {
  let end = Math.min(start + 2000, stored.length);
  while (end < stored.length && sealed[end - 1]!.entry.sig === undefined) end += 1;
  const run = stored.slice(start, end).map((bytes) => unseal(bytes));
  authenticated += verifyRun(run, previous, () => undefined, 'newest');
  const last = run[run.length - 1]!;
  previous = { seq: last.entry.seq, id: last.id };
  start = end;
}
const chainSeconds = (performance.now() - t) / 1000;

const replica = await createNode({ dataDir: tempDir(), sweepIntervalMs: 0 });
t = performance.now();
const result = await replica.ingest(envelopes);
const ingestSeconds = (performance.now() - t) / 1000;
if (result.accepted !== envelopes.length || valid !== sample || authenticated !== sealed.length)
  throw new Error('benchmark data did not verify');

await node.stop();
await replica.stop();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

const round = (n: number) => Math.round(n);
console.log(
  JSON.stringify({
    name: 'core',
    unit: 'ops/s',
    value: round(total / appendSeconds),
    transactionsPerSecond: round(total / appendSeconds),
    transactions: total,
    signatureVerificationsPerSecond: round(sample / verifySeconds),
    signedEntries: signedEntries.length,
    chainVerifiedEntriesPerSecond: round(sealed.length / chainSeconds),
    ingestEntriesPerSecond: round(envelopes.length / ingestSeconds),
    targets: { transactionsPerSecond: 10_000, verificationsPerSecond: 20_000 },
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
    environment: environment(),
  }),
);
