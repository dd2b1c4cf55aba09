/**
 * Core throughput: transactions/s for sign + validate + append (SQLite, group commit), and
 * verification rates — per-entry Ed25519 verifies, chain-batch verification (hash links plus the
 * newest signature), and the full ingest of a peer's log by a fresh node.
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

let t = performance.now();
let valid = 0;
const sample = Math.min(sealed.length, 10_000);
for (let i = 0; i < sample; i += 1) if (hasValidSignature(sealed[i]!.entry)) valid += 1;
const verifySeconds = (performance.now() - t) / 1000;

// Chain verification as a catching-up peer does it: from the stored bytes (decode, hash, link
// check) in runs of 2,000, with the signature of each run's newest entry.
const stored = sealed.map((s) => s.bytes);
t = performance.now();
let previous: { seq: number; id: (typeof sealed)[number]['id'] } | undefined;
for (let i = 0; i < stored.length; i += 2000) {
  const run = stored.slice(i, i + 2000).map((bytes) => unseal(bytes));
  verifyRun(run, previous, () => undefined, 'newest');
  const last = run[run.length - 1]!;
  previous = { seq: last.entry.seq, id: last.id };
}
const chainSeconds = (performance.now() - t) / 1000;

const replica = await createNode({ dataDir: tempDir(), sweepIntervalMs: 0 });
t = performance.now();
const result = await replica.ingest(envelopes);
const ingestSeconds = (performance.now() - t) / 1000;
if (result.accepted !== envelopes.length || valid !== sample)
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
    chainVerifiedEntriesPerSecond: round(sealed.length / chainSeconds),
    ingestEntriesPerSecond: round(envelopes.length / ingestSeconds),
    targets: { transactionsPerSecond: 10_000, verificationsPerSecond: 20_000 },
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
    environment: environment(),
  }),
);
