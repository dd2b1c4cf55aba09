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
  return { start: count, from, via };
}

/** The name of an edge: a property's name, or `[]` for any index (so chains group). */
function edgeName(s, edge) {
  const type = s.edgeTypes[s.edges[edge + s.edgeAt.type]];
  if (type === 'element' || type === 'hidden') return '[]';
  const name = String(s.strings[s.edges[edge + s.edgeAt.name_or_index]]);
  return /^\d+$/.test(name) ? '[]' : name;
}

/**
 * The most common retainer chains of `kind`'s nodes, `depth` holders up: each chain follows the
 * first strong retainer that is not the node itself, as "Kind.edge <- Holder.edge <- …".
 */
export function retainerPaths(s, kind, depth, top) {
  const r = retainersOf(s);
  const paths = new Map();
  for (let node = 0; node < s.nodes.length; node += s.nodeSize) {
    if (kindOf(s, node) !== kind) continue;
    const chain = [kind];
    let at = node;
    const seen = new Set([at]);
    for (let d = 0; d < depth; d += 1) {
      const i = at / s.nodeSize;
      let slot = r.start[i];
      while (slot < r.start[i + 1] && seen.has(r.from[slot])) slot += 1;
      if (slot >= r.start[i + 1]) break;
      at = r.from[slot];
      seen.add(at);
      chain.push(`${kindOf(s, at)}.${edgeName(s, r.via[slot])}`);
    }
    const key = chain.join(' <- ');
    paths.set(key, (paths.get(key) ?? 0) + 1);
  }
  return [...paths].sort((p, q) => q[1] - p[1]).slice(0, top);
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const top = Number(option(args, '--top', 15));
  const kind = option(args, '--retainers', undefined);
  if (kind !== undefined) {
    const s = loadSnapshot(args[0]);
    const depth = Number(option(args, '--depth', 5));
    for (const [path, n] of retainerPaths(s, kind, depth, top)) console.log(`${n}\t${path}`);
  } else {
    const { rows, totalA, totalB } = diff(loadSnapshot(args[0]), loadSnapshot(args[1]), top);
    const fmt = (n) => n.toLocaleString('en-US');
    console.log(['kind', 'countA', 'countB', 'Δcount', 'selfA', 'selfB', 'Δself'].join('\t'));
    for (const row of rows)
      console.log(
        [row.kind, row.countA, row.countB, row.countDelta, row.selfA, row.selfB, row.selfDelta]
          .map((v) => (typeof v === 'number' ? fmt(v) : v))
          .join('\t'),
      );
    console.log(
      [
        '(total)',
        totalA.count,
        totalB.count,
        totalB.count - totalA.count,
        totalA.self,
        totalB.self,
        totalB.self - totalA.self,
      ]
        .map((v) => (typeof v === 'number' ? fmt(v) : v))
        .join('\t'),
    );
  }
}
