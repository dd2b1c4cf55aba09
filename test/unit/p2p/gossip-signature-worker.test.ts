/**
 * Gossip with signatures checked on a worker thread (P2P option `signatureWorker`): a forged
 * entry is still refused and its sender scored down, now before the node sees it; genuine
 * entries are stored; a batch is answered signature by signature.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/core/identity.js';
import { createEntry, createUnsignedEntry } from '../../../src/core/log.js';
import type { Host } from '../../../src/core/p2p/host.js';
import { SignatureChecks } from '../../../src/core/p2p/signature-checks.js';
import { channelTopic } from '../../../src/core/p2p/topics.js';
import { encodeEnvelope } from '../../../src/core/wire.js';
import type { ChannelId, EntryEnvelope } from '../../../src/core/types.js';
import { connect, startPeer, waitFor, type TestPeer } from './harness.js';
import { WireInjector } from './injector.js';

const started: TestPeer[] = [];
const raw: Host[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.p2p.stop()));
  await Promise.all(raw.splice(0).map((h) => h.stop()));
});

const envelope = (entry: EntryEnvelope['entry']): EntryEnvelope => ({ entry, contents: new Map() });

/** A post in c1 by `author` at `seq` after `prev`. */
function post(author: string, seq: number, prev: string | null, deps: string[]) {
  return {
    seq,
    prev: prev as never,
    hlc: { wall: Date.now(), counter: 0 },
    tx: {
      intent: 'sendMessage' as const,
      actor: author as never,
      consumes: [],
      creates: [],
      channel: 'c1' as ChannelId,
      deps: deps as never,
    },
  };
}

describe('gossip with signature checks on a worker thread', () => {
  it('refuses a forged entry before the node and scores the sender down; stores a genuine one', async () => {
    const a = await startPeer();
    started.push(a);
    a.node.append('c1');
    a.node.members.add(a.node.address);
    const b = await startPeer({ signatureWorker: true });
    started.push(b);
    b.node.members.add(a.node.address);
    await connect(b, a);
    await b.p2p.fetchChannel('c1');
    const topic = channelTopic('c1');
    await waitFor('b subscribed', () => b.p2p.status().topics.includes(topic));
    const evil = await WireInjector.start();
    raw.push(evil.host);
    await evil.join(b.p2p.addresses()[0] as string, topic);
    const before = b.node.ids();
    const head = b.node.headsOf('c1')[0] ?? null;

    const good = createEntry(a.node.key, post(a.node.address, 2, head, b.node.headsOf('c1')));
    const forged = { ...good.entry, hlc: { wall: good.entry.hlc.wall + 1, counter: 0 } };
    const ingestsBefore = b.node.ingestCalls;
    await evil.host.services.pubsub.publish(topic, encodeEnvelope(envelope(forged)));
    await waitFor(
      'the refusal',
      () => (b.p2p.status().refused[evil.host.peerId.toString()] ?? 0) >= 0.9,
    );
    expect(b.node.ids()).toEqual(before);
    // Refused on the worker's answer: the node never had to look at it.
    expect(b.node.ingestCalls).toBe(ingestsBefore);

    await evil.host.services.pubsub.publish(topic, encodeEnvelope(envelope(good.entry)));
    await waitFor('the genuine entry', () => b.node.ids().includes(good.id));
    expect([...b.node.ids()].sort()).toEqual([...before, good.id].sort());
    expect(b.p2p.status().refused[evil.host.peerId.toString()]).toBeLessThan(1.1);
    expect(b.p2p.status().refused[a.p2p.peerId()]).toBeUndefined();
  });

  it('answers each signature of a batch, before and after its thread is closed', async () => {
    const key = generateKeyPair();
    const goods = [1, 2, 3].map((seq) => createEntry(key, post(key.address, seq, null, [])));
    const forged = createUnsignedEntry(key.address, post(key.address, 4, null, []));
    const stolen = { ...forged, entry: { ...forged.entry, sig: goods[0]!.entry.sig } };
    const checks = new SignatureChecks();
    const answers = await Promise.all([...goods, stolen, forged].map((s) => checks.check(s)));
    expect(answers).toEqual([true, true, true, false, false]);
    await checks.close();
    const again = createEntry(key, post(key.address, 5, null, []));
    expect(await checks.check(again)).toBe(true);
    expect(await checks.check(stolen)).toBe(false);
    await checks.close();
  });
});
