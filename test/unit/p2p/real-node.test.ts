/**
 * The P2P layer around real core nodes (SQLite stores in temp dirs), in one process: a channel
 * created on one node is fetched, joined and written on another, and both show one history.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { waitFor } from './harness.js';
import { startRealNode } from './real-nodes.js';

function start(options: { presenceTtlMs?: number; announce?: string[] } = {}) {
  const { presenceTtlMs, announce } = options;
  return startRealNode({
    node: presenceTtlMs ? { sweepIntervalMs: 100, presenceTtlMs } : {},
    p2p: announce ? { announce } : {},
  });
}

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 500 }).map((m) => m.text);

describe('P2P with real core nodes', () => {
  it('fetches an unknown channel, joins it, and both nodes show the same history', async () => {
    const a = await start();
    const b = await start();
    const alice = (await a.node.createLocalUser('alice')).user;
    const created = await a.node.submit(alice.id, { kind: 'createChannel', name: 'general' });
    const channel = created.channel!.id;
    for (let i = 0; i < 5; i += 1) {
      await a.node.submit(alice.id, { kind: 'sendMessage', channel, text: `a${i}` });
    }
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(channel);
    expect(b.node.getChannel(channel)?.name).toBe('general');
    expect(texts(b.node, channel)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);

    const bob = (await b.node.createLocalUser('bob')).user;
    await b.node.submit(bob.id, { kind: 'joinChannel', channel });
    await new Promise((r) => setTimeout(r, 1200)); // a heartbeat grafts the channel mesh
    await b.node.submit(bob.id, { kind: 'sendMessage', channel, text: 'hello from b' });
    await a.node.submit(alice.id, { kind: 'sendMessage', channel, text: 'hello from a' });
    await waitFor(
      'both messages on both nodes',
      () => texts(a.node, channel).length === 7 && texts(b.node, channel).length === 7,
    );
    expect(texts(b.node, channel)).toEqual(texts(a.node, channel));
    expect(
      a.node
        .listMembers(channel)
        .map((m) => m.user.username)
        .sort(),
    ).toEqual(['alice', 'bob']);
  });

  it('gossips a burst as signed runs: every message arrives, in order, without a sync', async () => {
    const a = await start();
    const b = await start();
    const alice = (await a.node.createLocalUser('alice')).user;
    const created = await a.node.submit(alice.id, { kind: 'createChannel', name: 'burst' });
    const channel = created.channel!.id;
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(channel);
    await new Promise((r) => setTimeout(r, 1200)); // a heartbeat grafts the channel mesh
    const syncsBefore = b.p2p.syncState().completed;
    // One group commit: a few signed entries (every 128th and the newest), the rest unsigned.
    const sent = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    await Promise.all(
      sent.map((text) => a.node.submit(alice.id, { kind: 'sendMessage', channel, text })),
    );
    const signed = a.node
      .entriesAfter(alice.id as never, 0, 1000)
      .filter((e) => e.entry.sig !== undefined).length;
    expect(signed).toBeLessThan(10);
    await waitFor('the burst on b', () => texts(b.node, channel).length === 300);
    expect(texts(b.node, channel)).toEqual(sent);
    expect(b.p2p.syncState().completed).toBe(syncsBefore);
  });

  it('tells peers the announced addresses instead of the listen ones when configured', async () => {
    const { p2p } = await start({ announce: ['/ip4/203.0.113.7/tcp/4747'] });
    expect(p2p.addresses()).toEqual([`/ip4/203.0.113.7/tcp/4747/p2p/${p2p.peerId()}`]);
  });

  it('gossips presence; it stays while the node announces and expires once it stops', async () => {
    const a = await start({ presenceTtlMs: 1500 });
    const b = await start({ presenceTtlMs: 1500 });
    await b.p2p.dial(a.p2p.addresses()[0]!);
    const alice = (await a.node.createLocalUser('alice')).user;
    await new Promise((r) => setTimeout(r, 1200));
    await a.node.submit(alice.id, { kind: 'setPresence', status: 'away', text: 'lunch' });
    await waitFor('presence on b', () => b.node.listPresence().some((p) => p.user === alice.id));
    expect(b.node.listPresence().find((p) => p.user === alice.id)).toMatchObject({
      status: 'away',
      text: 'lunch',
    });
    // Three lifetimes later it is still there: a renews it before it expires.
    await new Promise((r) => setTimeout(r, 4500));
    expect(b.node.listPresence().some((p) => p.user === alice.id)).toBe(true);
    await a.p2p.stop();
    await waitFor(
      'presence expired on b',
      () => !b.node.listPresence().some((p) => p.user === alice.id),
    );
  });
});
