/**
 * Clock poisoning over the wire (issue 15): a member of a public channel gossips entries with
 * poisoned clocks or a backdated createdAt. Each is refused and scores the sender down, nothing is
 * stored, an entry only a little ahead is held without a penalty, and two honest nodes still
 * exchange messages, in order, also after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SKEW_MS } from '../../../src/core/hlc.js';
import { channelTopic } from '../../../src/core/p2p/topics.js';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { waitFor } from './harness.js';
import { HostileAuthor, WireInjector } from './injector.js';
import { startRealNode, stopAndKeep } from './real-nodes.js';

const injectors: WireInjector[] = [];
afterEach(async () => {
  for (const i of injectors.splice(0)) await i.stop();
});

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 100 }).map((m) => m.text);

describe('clock poisoning through gossip', () => {
  it('refuses and scores down every poisoned entry; honest nodes still talk, in order', async () => {
    const a = await startRealNode();
    const b = await startRealNode();
    const alice = (await a.node.createLocalUser('alice')).user;
    const ch = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'general' })).channel!
      .id;
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'hello' });
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(ch);
    const bob = (await b.node.createLocalUser('bob')).user;
    await b.node.submit(bob.id, { kind: 'joinChannel', channel: ch });

    // Mallory joined the public channel on a (set up through the API; the attack is the wire).
    const mallory = new HostileAuthor();
    const setup = [mallory.profile('mallory'), mallory.join(ch, a.node.channelHeads(ch))];
    expect((await a.node.ingest(setup)).rejected).toEqual([]);
    const evil = await WireInjector.start();
    injectors.push(evil);
    const topic = channelTopic(ch);
    await evil.join(a.p2p.addresses()[0]!, topic);
    const evilPeer = evil.host.peerId.toString();
    const refused = () => a.p2p.status().refused[evilPeer] ?? 0;

    const now = Date.now();
    const attacks: [string, { hlc?: unknown; createdAt?: number }][] = [
      ['wall "x"', { hlc: { wall: 'x', counter: 0 } }],
      ['wall NaN', { hlc: { wall: NaN, counter: 0 } }],
      ['wall 1e300', { hlc: { wall: 1e300, counter: 0 } }],
      ['wall Infinity', { hlc: { wall: Infinity, counter: 0 } }],
      ['counter 2^53-1', { hlc: { wall: now, counter: 2 ** 53 - 1 } }],
      ['createdAt 2000-01-01', { createdAt: Date.UTC(2000, 0, 1) }],
    ];
    const stored = a.node.metrics().entries;
    for (const [i, [what, options]] of attacks.entries()) {
      const { id, envelope } = mallory.post(ch, a.node.channelHeads(ch), what, options);
      await evil.publish(topic, envelope);
      await waitFor(`refusal of ${what}`, () => refused() >= i + 0.9);
      expect(a.node.getEntries([id]), what).toEqual([]);
    }
    expect(a.node.metrics().entries).toBe(stored);
    expect(a.node.metrics().rejections).toMatchObject({ 'message.time': 1 });
    expect(a.node.metrics().pending).toBe(0);

    // A little ahead of a's clock: held, not stored, and not held against the sender.
    const penalty = refused();
    const wall = Date.now() + MAX_SKEW_MS + 30_000;
    const early = mallory.post(ch, a.node.channelHeads(ch), 'early', {
      hlc: { wall, counter: 0 },
      createdAt: wall,
    });
    await evil.publish(topic, early.envelope);
    await waitFor('the early entry held', () => a.node.metrics().pending === 1);
    expect(a.node.getEntries([early.id])).toEqual([]);
    expect(refused()).toBeLessThanOrEqual(penalty);

    // The honest nodes still accept each other's messages, listed in the order they were sent.
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'from a' });
    await waitFor('a -> b', () => texts(b.node, ch).includes('from a'));
    await b.node.submit(bob.id, { kind: 'sendMessage', channel: ch, text: 'from b' });
    await waitFor('b -> a', () => texts(a.node, ch).includes('from b'));
    expect(texts(a.node, ch)).toEqual(['hello', 'from a', 'from b']);
    expect(texts(b.node, ch)).toEqual(['hello', 'from a', 'from b']);
    expect(a.node.metrics().rejections['hlc.causality']).toBeUndefined();
    expect(b.node.metrics().rejections['hlc.causality']).toBeUndefined();

    // After a restart a still writes, and b still takes it.
    await stopAndKeep(a);
    const again = await startRealNode({ dir: a.dir });
    await b.p2p.dial(again.p2p.addresses()[0]!);
    await again.node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'after restart' });
    await b.p2p.fetchChannel(ch);
    await waitFor('restart -> b', () => texts(b.node, ch).includes('after restart'));
    expect(texts(again.node, ch)).toEqual(['hello', 'from a', 'from b', 'after restart']);
    expect(texts(b.node, ch)).toEqual(['hello', 'from a', 'from b', 'after restart']);
  });
});
