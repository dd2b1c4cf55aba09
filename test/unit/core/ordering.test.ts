import { describe, expect, it } from 'vitest';
import type { ChannelId, EntryEnvelope, MultichatNode, UserId } from '../../../src/core/index.js';
import { seal } from '../../../src/core/log.js';
import { channelOrder } from '../../../src/core/ordering.js';
import { allEnvelopes, tempNode } from '../../support/core.js';

/** Deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function exchange(nodes: MultichatNode[]) {
  for (const from of nodes)
    for (const to of nodes) if (from !== to) await to.ingest(allEnvelopes(from));
}

/** Three authors on three nodes write concurrently into one channel. */
async function threeAuthors() {
  const nodes = [await tempNode(), await tempNode(), await tempNode()];
  const users: UserId[] = [];
  for (const [i, node] of nodes.entries())
    users.push((await node.createLocalUser(`user${i}`)).user.id);
  const { channel } = await nodes[0]!.submit(users[0]!, { kind: 'createChannel', name: 'general' });
  const ch = channel!.id as ChannelId;
  await exchange(nodes);
  await nodes[1]!.submit(users[1]!, { kind: 'joinChannel', channel: ch });
  await nodes[2]!.submit(users[2]!, { kind: 'joinChannel', channel: ch });
  await exchange(nodes);
  for (let round = 0; round < 3; round += 1) {
    for (const [i, node] of nodes.entries()) {
      for (let k = 0; k < 4; k += 1)
        await node.submit(users[i]!, {
          kind: 'sendMessage',
          channel: ch,
          text: `r${round} u${i} #${k}`,
        });
    }
    // Partial exchange: only node 0 hears from node 1 this round, so branches interleave.
    await nodes[0]!.ingest(allEnvelopes(nodes[1]!));
  }
  const envelopes = nodes.flatMap(allEnvelopes);
  const unique = new Map(envelopes.map((e) => [seal(e.entry).id, e]));
  return { ch, envelopes: [...unique.values()] };
}

describe('deterministic channel order', () => {
  it('shuffled arrival of the same entries from 3 authors gives the identical history', async () => {
    const { ch, envelopes } = await threeAuthors();
    const histories: string[][] = [];
    for (const seed of [1, 2, 3, 42]) {
      const replica = await tempNode();
      const result = await replica.ingest(shuffled(envelopes, seed));
      expect(result.rejected).toEqual([]);
      expect(result.pending).toBe(0);
      histories.push(replica.listMessages(ch, { limit: 500 }).map((m) => m.text ?? ''));
    }
    expect(histories[0]).toHaveLength(36);
    for (const history of histories) expect(history).toEqual(histories[0]);
  });

  it('the pure merge function agrees with every arrival order and respects causality', async () => {
    const { envelopes } = await threeAuthors();
    const nodes = envelopes
      .filter((e) => e.entry.tx.channel)
      .map((e: EntryEnvelope) => ({
        id: seal(e.entry).id,
        hlc: e.entry.hlc,
        deps: e.entry.tx.deps,
      }));
    const reference = channelOrder(nodes);
    for (const seed of [7, 8, 9]) expect(channelOrder(shuffled(nodes, seed))).toEqual(reference);
    const position = new Map(reference.map((id, i) => [id, i]));
    for (const n of nodes)
      for (const dep of n.deps) expect(position.get(dep)!).toBeLessThan(position.get(n.id)!);
  });

  it('pages with before/after/limit in channel order, oldest first', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const ids = [];
    for (let i = 0; i < 10; i += 1)
      ids.push(
        (await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: `m${i}` }))
          .created!,
      );
    const texts = (q: object) => node.listMessages(channel!.id, q).map((m) => m.text);
    expect(texts({ limit: 3 })).toEqual(['m7', 'm8', 'm9']);
    expect(texts({ after: ids[2], limit: 3 })).toEqual(['m3', 'm4', 'm5']);
    expect(texts({ before: ids[2] })).toEqual(['m0', 'm1']);
    expect(texts({ after: ids[1], before: ids[5] })).toEqual(['m2', 'm3', 'm4']);
  });
});
