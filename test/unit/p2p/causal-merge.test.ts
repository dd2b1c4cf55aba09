import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/core/identity.js';
import { CausalMerge } from '../../../src/core/p2p/causal-merge.js';
import { groupByAuthor } from '../../../src/core/p2p/sync-server.js';
import type { Address, EntryEnvelope } from '../../../src/core/types.js';
import { FakeNode } from './fake-node.js';

describe('causal merge of author logs', () => {
  it('hands out entries of several authors in HLC order, each author in seq order', () => {
    const node = new FakeNode();
    const others = [generateKeyPair(), generateKeyPair()];
    for (let i = 0; i < 300; i += 1)
      node.append('c1', undefined, i % 3 === 0 ? node.key : others[i % 2]);
    const ranges = new Map<Address, readonly [number, number]>(
      [...node.frontier()].map(([a, seq]) => [a, [0, seq] as const]),
    );
    const out: EntryEnvelope[] = [];
    const merge = new CausalMerge(node, ranges);
    for (let e = merge.next(); e; e = merge.next()) out.push(e);
    expect(out).toHaveLength(300);
    for (let i = 1; i < out.length; i += 1) {
      const a = out[i - 1]!.entry.hlc;
      const b = out[i]!.entry.hlc;
      expect(a.wall < b.wall || (a.wall === b.wall && a.counter < b.counter)).toBe(true);
    }
  });

  it('starts each author after the seq the client has and stops at the snapshot head', () => {
    const node = new FakeNode();
    for (let i = 0; i < 20; i += 1) node.append('c1');
    const merge = new CausalMerge(node, new Map([[node.address, [5, 12] as const]]));
    const seqs: number[] = [];
    for (let e = merge.next(); e; e = merge.next()) seqs.push(e.entry.seq);
    expect(seqs).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('groups a window into contiguous runs per author, keeping seq order', () => {
    const node = new FakeNode();
    const other = generateKeyPair();
    for (let i = 0; i < 6; i += 1) node.append('c1', undefined, i % 2 === 0 ? node.key : other);
    const window = node
      .entriesAfter(node.address, 0, 10)
      .concat(node.entriesAfter(other.address, 0, 10));
    window.sort((x, y) => x.entry.hlc.counter - y.entry.hlc.counter);
    const grouped = groupByAuthor(window);
    expect(
      grouped.map((e) => `${e.entry.author === node.address ? 'n' : 'o'}${e.entry.seq}`),
    ).toEqual(['n1', 'n2', 'n3', 'o1', 'o2', 'o3']);
  });
});
