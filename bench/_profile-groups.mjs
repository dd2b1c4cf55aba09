// Reads V8 .cpuprofile files (from `node --cpu-prof`, one per thread, or bench/_cpu-profile.ts)
// and prints one JSON object: self time per group (CBOR, SQLite, state apply, gossip
// validation, signature, libp2p, ...) and the top functions, so a bench's CPU can be compared
// with its floor's. Native frames without a script (a better-sqlite3 `run`, a crypto binding)
// count for the group of the script frame that called them: that is whose work they are.
// Usage: node bench/_profile-groups.mjs [--last-ms N] [--skip-end-ms N] [--top N] FILE...
// --last-ms keeps only the samples of the last N ms before the profile's end minus
// --skip-end-ms (a bench's measured phase is its last one; its shutdown is skipped).
import { readFileSync } from 'node:fs';

const GROUPS = [
  ['cbor', /src\/core\/(cbor-|encoding|wire)|src\/core\/p2p\/codec|node_modules\/cborg/],
  ['sqlite', /src\/core\/store\/|better-sqlite3/],
  ['stateApply', /src\/core\/(state|logics)\//],
  ['gossipValidation', /src\/core\/p2p\//],
  ['signature', /@noble\/|node:internal\/crypto|src\/core\/(identity|batch-signer)/],
  [
    'libp2p',
    /@libp2p|\/libp2p\/|@chainsafe|\/it-|uint8array|protons|multiformats|p-queue|race-|abort-error|progress-events|main-event-target/,
  ],
  ['coreOther', /src\/core\//],
  ['benchHarness', /\/bench\//],
  ['nodeInternals', /^node:|internal\//],
];

function groupOf(url) {
  if (!url) return undefined;
  // A profile of the compiled code (dist/, bench/catchup.ts's client) groups as src/ does.
  if (!url.includes('node_modules')) url = url.replace('/dist/', '/src/');
  for (const [name, re] of GROUPS) if (re.test(url)) return name;
  return 'otherModules';
}

function analyse(file, { lastMs, skipEndMs, longMs }) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const groupCache = new Map();
  const resolveGroup = (id) => {
    if (groupCache.has(id)) return groupCache.get(id);
    const n = byId.get(id);
    const name = n.callFrame.functionName;
    let g;
    if (name === '(garbage collector)') g = 'gc';
    else if (name === '(idle)') g = 'idle';
    else if (name === '(program)') g = 'program';
    else if (name === '(root)') g = 'program';
    else g = groupOf(n.callFrame.url) ?? (parent.has(id) ? resolveGroup(parent.get(id)) : 'native');
    groupCache.set(id, g);
    return g;
  };
  // Sample times: startTime + cumulative deltas (µs).
  const times = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const end = (times.at(-1) ?? p.endTime) - (skipEndMs ?? 0) * 1000;
  const start = lastMs ? end - lastMs * 1000 : -Infinity;
  const groups = {};
  const fns = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    const at = times[i];
    if (at < start || at > end) return;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const g = resolveGroup(id);
    groups[g] = (groups[g] ?? 0) + dt;
    if (g === 'idle') return;
    total += dt;
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
  });
  // Long tasks: runs of samples with no (idle) between them, longer than --long-ms.
  const long = { count: 0, totalMs: 0, maxMs: 0, groups: {}, top: new Map() };
  if (longMs) {
    let run = [];
    const close = () => {
      const ms = run.reduce((a, [, dt]) => a + dt, 0) / 1000;
      if (ms >= longMs) {
        long.count += 1;
        long.totalMs += ms;
        long.maxMs = Math.max(long.maxMs, ms);
        for (const [id, dt] of run) {
          const g = resolveGroup(id);
          long.groups[g] = (long.groups[g] ?? 0) + dt / 1000;
          const f = byId.get(id).callFrame;
          const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '')}`;
          long.top.set(key, (long.top.get(key) ?? 0) + dt / 1000);
        }
      }
      run = [];
    };
    p.samples.forEach((id, i) => {
      if (times[i] < start || times[i] > end) return;
      if (resolveGroup(id) === 'idle') close();
      else run.push([id, p.timeDeltas[i + 1] ?? 0]);
    });
    close();
  }
  return {
    groups,
    fns,
    long,
    busyUs: total,
    windowMs: (end - Math.max(start, p.startTime)) / 1000,
  };
}

const args = process.argv.slice(2);
const opts = { top: 25 };
const files = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--last-ms') opts.lastMs = Number(args[++i]);
  else if (args[i] === '--skip-end-ms') opts.skipEndMs = Number(args[++i]);
  else if (args[i] === '--top') opts.top = Number(args[++i]);
  else if (args[i] === '--long-ms') opts.longMs = Number(args[++i]);
  else files.push(args[i]);
}
const groups = {};
const fns = new Map();
let busy = 0;
const perFile = [];
for (const f of files) {
  const r = analyse(f, opts);
  busy += r.busyUs;
  perFile.push({
    file: f.replace(/^.*\//, ''),
    busyMs: Math.round(r.busyUs / 1000),
    windowMs: Math.round(r.windowMs),
  });
  for (const [g, v] of Object.entries(r.groups)) groups[g] = (groups[g] ?? 0) + v;
  for (const [k, v] of r.fns) fns.set(k, (fns.get(k) ?? 0) + v);
  if (opts.longMs) {
    const l = r.long;
    const ms = (o) =>
      Object.fromEntries(
        Object.entries(o)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, Math.round(v)]),
      );
    perFile.at(-1).longTasks = {
      overMs: opts.longMs,
      count: l.count,
      totalMs: Math.round(l.totalMs),
      maxMs: Math.round(l.maxMs),
      groupsMs: ms(l.groups),
      top: [...l.top.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([k, v]) => `${Math.round(v)}ms ${k}`),
    };
  }
}
const share = (v) => Math.round((v / busy) * 1000) / 10;
const { idle = 0, ...busyGroups } = groups;
console.log(
  JSON.stringify({
    files: perFile,
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    groupsPercentOfBusy: Object.fromEntries(
      Object.entries(busyGroups)
        .sort((a, b) => b[1] - a[1])
        .map(([g, v]) => [g, share(v)]),
    ),
    groupsMs: Object.fromEntries(
      Object.entries(busyGroups)
        .sort((a, b) => b[1] - a[1])
        .map(([g, v]) => [g, Math.round(v / 1000)]),
    ),
    topSelfPercent: [...fns.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, opts.top)
      .map(([k, v]) => `${share(v)}% ${k}`),
  }),
);
