/**
 * Channel order: a deterministic topological order of the causal graph (an entry after every
 * entry it depends on), ties broken by hybrid logical clock, then by id. Any replica holding the
 * same entries computes the same history, whatever order they arrived in. The store's index
 * (hlc, id) gives the same order, because ingest refuses entries not later than their deps.
 */
import { compareHlc } from './hlc.js';
import type { EntryId, Hlc } from './types.js';

export interface OrderNode {
  readonly id: EntryId;
  readonly hlc: Hlc;
  readonly deps: readonly EntryId[];
}

function before(a: OrderNode, b: OrderNode): boolean {
  return compareHlc(a.hlc, b.hlc) < 0 || (compareHlc(a.hlc, b.hlc) === 0 && a.id < b.id);
}

/** Kahn's algorithm with a (hlc, id) priority; deps outside the set are treated as satisfied. */
export function channelOrder(nodes: readonly OrderNode[]): EntryId[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const waiting = new Map<EntryId, number>();
  const dependents = new Map<EntryId, EntryId[]>();
  for (const node of byId.values()) {
    const inSet = [...new Set(node.deps)].filter((d) => byId.has(d));
    waiting.set(node.id, inSet.length);
    for (const dep of inSet)
      (dependents.get(dep) ?? dependents.set(dep, []).get(dep)!).push(node.id);
  }
  const ready = [...byId.values()].filter((n) => waiting.get(n.id) === 0);
  const order: EntryId[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i += 1) if (before(ready[i]!, ready[best]!)) best = i;
    const [next] = ready.splice(best, 1) as [OrderNode];
    order.push(next.id);
    for (const child of dependents.get(next.id) ?? []) {
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(byId.get(child)!);
    }
  }
  return order;
}
