/**
 * The P2P layer around real core nodes (SQLite stores in temp dirs), in one process: a channel
 * created on one node is fetched, joined and written on another, and both show one history.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { waitFor } from './harness.js';
import { startRealNode } from './real-nodes.js';

function start(
  options: { presenceTtlMs?: number; clock?: () => number; announce?: string[] } = {},
) {
  const { presenceTtlMs, clock, announce } = options;
  return startRealNode({
    node: presenceTtlMs ? { sweepIntervalMs: 100, presenceTtlMs, ...(clock && { clock }) } : {},
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
    // Both nodes read one injected clock: the test moves time, so no lifetime is waited out.
    const ttl = 1500;
    let now = Date.now();
    const clock = () => now;
    const a = await start({ presenceTtlMs: ttl, clock });
    const b = await start({ presenceTtlMs: ttl, clock });
    await b.p2p.dial(a.p2p.addresses()[0]!);
    const alice = (await a.node.createLocalUser('alice')).user;
    await a.node.submit(alice.id, { kind: 'setPresence', status: 'away', text: 'lunch' });
    const onB = () => b.node.listPresence().find((p) => p.user === alice.id);
    const left = (n: MultichatNode) =>
      Date.parse(n.listPresence().find((p) => p.user === alice.id)?.expiresAt ?? '1970') - now;
    // The first announcement can go out before a has seen b subscribe; the re-announce to the
    // new peer follows (presence-newcomer.test.ts). Moving time to a's next renewal (never past
    // the expiry) only makes it come sooner.
    await waitFor('presence on b', () => {
      if (onB()) return true;
      now += Math.max(0, left(a.node) - ttl / 3);
      return false;
    });
    expect(onB()).toMatchObject({ status: 'away', text: 'lunch' });
    // Three lifetimes, in steps shorter than the renewal horizon (ttl/3): before each step b
    // must hold a renewal that outlives the step, so without renewals b's copy runs out.
    for (let moved = 0; moved < 3 * ttl; moved += ttl / 5) {
      await waitFor(`a renewal on b at +${moved} ms`, () => left(b.node) > ttl / 3);
      now += ttl / 5;
      expect(onB(), `at +${moved + ttl / 5} ms`).toMatchObject({ status: 'away' });
    }
    // Once a is unreachable, b's copy ends at its expiry and b reports alice offline.
    await a.p2p.stop();
    const offline: string[] = [];
    b.node.on('presence', (e) => {
      if (e.presence.user === alice.id && e.presence.status === 'offline')
        offline.push(e.presence.user);
    });
    now += left(b.node);
    await waitFor('presence expired on b', () => onB() === undefined && offline.length === 1);
  });
});
