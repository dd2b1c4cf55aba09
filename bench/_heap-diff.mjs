// Compares two V8 heap snapshots (.heapsnapshot, as `--heapsnapshot-signal` or
// v8.writeHeapSnapshot() write them) by constructor: how many objects of each kind, and their
// self size, grew from the first to the second. Something kept per message shows as a kind whose
// count grows by about the number of messages in between (or a multiple); `--retainers KIND`
// then says what holds the second snapshot's objects of that kind (the chain of retainers up to
// a named owner). The soak takes the snapshots (test/reliability/support/soak-snapshots.ts).
// The leading `_` keeps run-all from running this file.
//
//   node bench/_heap-diff.mjs first.heapsnapshot second.heapsnapshot [--top 15]
//   node bench/_heap-diff.mjs second.heapsnapshot --retainers Kind [--depth 5] [--top 15]
//     [--collapse] [--since first.heapsnapshot] [--by-self]
//   (--since: only objects allocated after the first; Kind `*`: every kind)
import { readFileSync } from 'node:fs';

/** A snapshot's node and edge arrays with the field offsets named. */
export function loadSnapshot(path) {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  return {
    nodes: raw.nodes,
    edges: raw.edges,
    strings: raw.strings,
    nodeSize: nf.length,
    edgeSize: ef.length,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    at: Object.fromEntries(nf.map((f, i) => [f, i])),
    edgeAt: Object.fromEntries(ef.map((f, i) => [f, i])),
  };
}

/**
 * The kind a node is counted under, close to DevTools' "Constructor" column: objects by their
 * constructor's name, strings, closures and numbers as one kind each, internal arrays and
 * hidden nodes by type and name (a Map's backing store is "(array) (object elements)"...).
 */
export function kindOf(s, node) {
  const type = s.nodeTypes[s.nodes[node + s.at.type]];
  const name = s.strings[s.nodes[node + s.at.name]];
  if (type === 'object' || type === 'native') return name;
  if (type === 'closure') return '(closure)';
  if (type.includes('string')) return '(string)';
  if (type === 'number' || type === 'heap number') return '(number)';
  return `(${type}) ${name.slice(0, 50)}`;
}

/** kind -> { count, self } over a snapshot's nodes. */
export function aggregate(s) {
  const byKind = new Map();
  for (let node = 0; node < s.nodes.length; node += s.nodeSize) {
    const kind = kindOf(s, node);
    const row = byKind.get(kind) ?? { count: 0, self: 0 };
    row.count += 1;
    row.self += s.nodes[node + s.at.self_size];
    byKind.set(kind, row);
  }
  return byKind;
}

// Node's own (embedder) nodes: their ids are not V8's running count (they look like addresses).
const OUTSIDE_V8 = new Set(['native', 'synthetic']);

/** The highest object id of a snapshot: a later snapshot of the same process numbers on. */
export function maxId(s) {
  let max = 0;
  for (let node = 0; node < s.nodes.length; node += s.nodeSize)
    if (!OUTSIDE_V8.has(s.nodeTypes[s.nodes[node + s.at.type]]))
      max = Math.max(max, s.nodes[node + s.at.id]);
  return max;
}

/** kind -> { count, self } of the objects in `s` allocated after `newerThan`, most bytes first. */
export function newObjects(s, newerThan, top) {
  const byKind = new Map();
  for (let node = 0; node < s.nodes.length; node += s.nodeSize) {
    if (s.nodes[node + s.at.id] <= newerThan) continue;
    if (OUTSIDE_V8.has(s.nodeTypes[s.nodes[node + s.at.type]])) continue;
    const kind = kindOf(s, node);
    const row = byKind.get(kind) ?? { count: 0, self: 0 };
    row.count += 1;
    row.self += s.nodes[node + s.at.self_size];
    byKind.set(kind, row);
  }
  return [...byKind].sort((p, q) => q[1].self - p[1].self).slice(0, top);
}

/** Rows of the kinds that grew most in self size (ties and shrinkage after). */
export function diff(first, second, top) {
  const a = aggregate(first);
  const b = aggregate(second);
  const rows = [];
  for (const kind of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(kind) ?? { count: 0, self: 0 };
    const y = b.get(kind) ?? { count: 0, self: 0 };
    rows.push({
      kind,
      countA: x.count,
      countB: y.count,
      countDelta: y.count - x.count,
      selfA: x.self,
      selfB: y.self,
      selfDelta: y.self - x.self,
    });
  }
  rows.sort((p, q) => q.selfDelta - p.selfDelta);
  const total = (m) =>
    [...m.values()].reduce((t, r) => ({ count: t.count + r.count, self: t.self + r.self }), {
      count: 0,
      self: 0,
    });
  return { rows: rows.slice(0, top), totalA: total(a), totalB: total(b) };
}

/** For each node, the nodes that hold it by a strong edge (weak edges do not keep anything). */
function retainersOf(s) {
  const weak = s.edgeTypes.indexOf('weak');
  const count = new Uint32Array(s.nodes.length / s.nodeSize + 1);
  const forEachEdge = (visit) => {
    let edge = 0;
    for (let node = 0; node < s.nodes.length; node += s.nodeSize) {
      const n = s.nodes[node + s.at.edge_count];
      for (let i = 0; i < n; i += 1, edge += s.edgeSize) {
        if (s.edges[edge + s.edgeAt.type] === weak) continue;
        visit(node, edge, s.edges[edge + s.edgeAt.to_node] / s.nodeSize);
      }
    }
  };
  forEachEdge((_, __, to) => (count[to + 1] += 1));
  for (let i = 1; i < count.length; i += 1) count[i] += count[i - 1];
  const from = new Uint32Array(count[count.length - 1]);
  const via = new Uint32Array(from.length);
  const fill = count.slice();
  forEachEdge((node, edge, to) => {
    const slot = fill[to]++;
    from[slot] = node;
    via[slot] = edge;
  });
  return { start: count, from, via, distance: distancesFromRoot(s, weak) };
}

/** Strong edges from the root (node 0) to each node, by breadth-first search; ~0 if unreachable. */
function distancesFromRoot(s, weak) {
  const nodeCount = s.nodes.length / s.nodeSize;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i += 1)
    firstEdge[i + 1] = firstEdge[i] + s.nodes[i * s.nodeSize + s.at.edge_count] * s.edgeSize;
  const distance = new Uint32Array(nodeCount).fill(0xffffffff);
  const queue = new Uint32Array(nodeCount);
  let head = 0;
  let tail = 0;
  distance[0] = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const i = queue[head++];
    for (let edge = firstEdge[i]; edge < firstEdge[i + 1]; edge += s.edgeSize) {
      if (s.edges[edge + s.edgeAt.type] === weak) continue;
      const to = s.edges[edge + s.edgeAt.to_node] / s.nodeSize;
      if (distance[to] !== 0xffffffff) continue;
      distance[to] = distance[i] + 1;
      queue[tail++] = to;
    }
  }
  return distance;
}

/** The name of an edge: a property's name, or `[]` for any index (so chains group). */
function edgeName(s, edge) {
  const type = s.edgeTypes[s.edges[edge + s.edgeAt.type]];
  if (type === 'element' || type === 'hidden') return '[]';
  const name = String(s.strings[s.edges[edge + s.edgeAt.name_or_index]]);
  return /^\d+$/.test(name) ? '[]' : name;
}

/** What awaiting builds: a queue of awaits is a chain of these thousands long. */
const ASYNC_MACHINERY = new Set([
  'Promise',
  '(hidden) system / PromiseReaction',
  'system / Context',
  '(closure)',
  'Generator',
]);

/**
 * The most common retainer chains of `kind`'s nodes (`*`: every kind), with how many and their self
 * size (most first, or most bytes first with `bySelf`), `depth` holders up: each chain follows the
 * first strong retainer that is not the node itself, as "Kind.edge <- Holder.edge <- …". With
 * `collapse`, runs of promises, reactions, closures and contexts count as one hop ("(async ×n)"),
 * so a chain of awaits leads to what holds its head.
 */
export function retainerPaths(
  s,
  kind,
  depth,
  top,
  collapse = false,
  newerThan = -1,
  bySelf = false,
) {
  const r = retainersOf(s);
  const paths = new Map();
  for (let node = 0; node < s.nodes.length; node += s.nodeSize) {
    if (kind !== '*' && kindOf(s, node) !== kind) continue;
    if (newerThan >= 0 && s.nodes[node + s.at.id] <= newerThan) continue;
    const chain = [kindOf(s, node)];
    let at = node;
    const seen = new Set([at]);
    let run = 0;
    for (let d = 0; d < depth;) {
      const i = at / s.nodeSize;
      // The retainer nearest the root: the path DevTools shows first, and one that ends there.
      let slot = -1;
      for (let k = r.start[i]; k < r.start[i + 1]; k += 1) {
        const d = r.distance[r.from[k] / s.nodeSize];
        if (seen.has(r.from[k]) || d === 0xffffffff) continue;
        if (slot < 0 || d < r.distance[r.from[slot] / s.nodeSize]) slot = k;
      }
      if (slot < 0) break;
      at = r.from[slot];
      seen.add(at);
      const holder = kindOf(s, at);
      if (collapse && ASYNC_MACHINERY.has(holder)) {
        run += 1;
        continue;
      }
      if (run > 0) chain.push(asyncRun(run));
      run = 0;
      chain.push(`${holder}.${edgeName(s, r.via[slot])}`);
      d += 1;
    }
    if (run > 0) chain.push(asyncRun(run));
    const key = chain.join(' <- ');
    const row = paths.get(key) ?? { count: 0, self: 0 };
    row.count += 1;
    row.self += s.nodes[node + s.at.self_size];
    paths.set(key, row);
  }
  const order = bySelf ? (p, q) => q[1].self - p[1].self : (p, q) => q[1].count - p[1].count;
  return [...paths].sort(order).slice(0, top);
}

// Grouped by order of magnitude, or every chain length would be its own path.
const asyncRun = (n) => `(async ×${n < 10 ? n : `${10 ** Math.floor(Math.log10(n))}+`})`;

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

const fmt = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : v);
const line = (cells) => console.log(cells.map(fmt).join('\t'));

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const top = Number(option(args, '--top', 15));
  const kind = option(args, '--retainers', undefined);
  if (kind !== undefined) {
    const s = loadSnapshot(args[0]);
    const depth = Number(option(args, '--depth', 5));
    const since = option(args, '--since', undefined);
    const newerThan = since === undefined ? -1 : maxId(loadSnapshot(since));
    const collapse = args.includes('--collapse');
    line(['count', 'self', 'path']);
    const bySelf = args.includes('--by-self');
    for (const [path, r] of retainerPaths(s, kind, depth, top, collapse, newerThan, bySelf))
      line([r.count, r.self, path]);
  } else {
    const first = loadSnapshot(args[0]);
    const second = loadSnapshot(args[1]);
    const { rows, totalA, totalB } = diff(first, second, top);
    line(['kind', 'countA', 'countB', 'Δcount', 'selfA', 'selfB', 'Δself']);
    for (const r of rows)
      line([r.kind, r.countA, r.countB, r.countDelta, r.selfA, r.selfB, r.selfDelta]);
    const [a, b] = [totalA, totalB];
    line(['(total)', a.count, b.count, b.count - a.count, a.self, b.self, b.self - a.self]);
    // What the second holds that did not exist at the first: the kept part of the growth.
    console.log('\nallocated after the first snapshot and alive at the second');
    line(['kind', 'count', 'self']);
    for (const [k, r] of newObjects(second, maxId(first), top)) line([k, r.count, r.self]);
  }
}
