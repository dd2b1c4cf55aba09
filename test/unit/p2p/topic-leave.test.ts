/**
 * A node leaves a channel's gossip topic once its last local member leaves the channel, stops
 * storing that channel's new traffic, keeps the topics of channels it still follows, and
 * follows the channel again when a local user rejoins. Real core nodes (SQLite in temp dirs).
 */
import { describe, expect, it } from 'vitest';
import { LOG_TOPIC, channelTopic } from '../../../src/core/p2p/index.js';
import type { ChannelId, MultichatNode, UserId } from '../../../src/core/types.js';
import { waitFor } from './harness.js';
import { startRealNode as start, stopAndKeep, type RunningNode as Running } from './real-nodes.js';

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 500 }).map((m) => m.text);
const topics = (r: Running) => r.p2p.status().topics;
const isMember = (r: Running, channel: ChannelId, user: UserId) =>
  r.node.listMembers(channel).some((m) => m.user.id === user);

describe('gossip topics follow local membership', () => {
  it('leaves a channel topic after the last local member leaves, and follows it on rejoin', async () => {
    const a = await start();
    const b = await start();
    // Two authors on A: per-author logs are hash-chained, so a later entry by the same author
    // in the second channel would make B fetch the gap (the left channel's entry) by sync.
    const alice = (await a.node.createLocalUser('alice')).user;
    const carol = (await a.node.createLocalUser('carol')).user;
    const left = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'left' })).channel!
      .id;
    const kept = (await a.node.submit(carol.id, { kind: 'createChannel', name: 'kept' })).channel!
      .id;
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(left);
    await b.p2p.fetchChannel(kept);
    const bob = (await b.node.createLocalUser('bob')).user;
    await b.node.submit(bob.id, { kind: 'joinChannel', channel: left });
    await b.node.submit(bob.id, { kind: 'joinChannel', channel: kept });
    await waitFor(
      'bob a member on A',
      () => isMember(a, left, bob.id) && isMember(a, kept, bob.id),
    );
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: left, text: 'before' });
    await waitFor('"before" on B', () => texts(b.node, left).includes('before'));
    expect(topics(b)).toEqual(
      expect.arrayContaining([LOG_TOPIC, channelTopic(left), channelTopic(kept)]),
    );

    await b.node.submit(bob.id, { kind: 'leaveChannel', channel: left });
    await waitFor('B off the left topic', () => !topics(b).includes(channelTopic(left)));
    expect(topics(b)).toEqual(expect.arrayContaining([LOG_TOPIC, channelTopic(kept)]));
    // The leave itself went out before the topic was dropped.
    await waitFor('the leave on A', () => !isMember(a, left, bob.id));

    await a.node.submit(alice.id, { kind: 'sendMessage', channel: left, text: 'after leave' });
    await a.node.submit(carol.id, { kind: 'sendMessage', channel: kept, text: 'marker' });
    await waitFor('"marker" on B', () => texts(b.node, kept).includes('marker'));
    expect(texts(b.node, left)).toEqual(['before']);
    expect(texts(a.node, left)).toEqual(['before', 'after leave']);

    // Another local user joins (a rejoin by bob is a no-op in the core today: the new access
    // resource has the id of the consumed one).
    const erin = (await b.node.createLocalUser('erin')).user;
    await b.node.submit(erin.id, { kind: 'joinChannel', channel: left });
    await waitFor('B on the left topic again', () => topics(b).includes(channelTopic(left)));
    // B subscribed before its join went out on the same stream, so A knows it follows again.
    await waitFor('the join on A', () => isMember(a, left, erin.id));
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: left, text: 'after rejoin' });
    await waitFor('"after rejoin" on B', () => texts(b.node, left).includes('after rejoin'));
  });

  it('follows while any local user stays, not once all left, also after a restart', async () => {
    const first = await start();
    const alice = (await first.node.createLocalUser('alice')).user;
    const dave = (await first.node.createLocalUser('dave')).user;
    const other = (await first.node.createLocalUser('other')).user;
    const channel = (await first.node.submit(other.id, { kind: 'createChannel', name: 'two' }))
      .channel!.id;
    await first.node.submit(alice.id, { kind: 'joinChannel', channel });
    await first.node.submit(dave.id, { kind: 'joinChannel', channel });
    await first.node.submit(dave.id, { kind: 'leaveChannel', channel });
    await first.node.submit(alice.id, { kind: 'leaveChannel', channel });
    await waitFor('both leaves applied', () => first.node.listMembers(channel).length === 1);
    expect(topics(first)).toContain(channelTopic(channel)); // the creator is still an admin
    await first.node.submit(other.id, { kind: 'leaveChannel', channel });
    await waitFor('off the topic', () => !topics(first).includes(channelTopic(channel)));

    // Read from the store, not remembered: a restarted node does not follow it either.
    await stopAndKeep(first);
    const again = await start({ dir: first.dir });
    expect(again.node.getChannel(channel)?.name).toBe('two');
    expect(topics(again)).toContain(LOG_TOPIC);
    expect(topics(again)).not.toContain(channelTopic(channel));
    const frank = (await again.node.createLocalUser('frank')).user;
    await again.node.submit(frank.id, { kind: 'joinChannel', channel });
    await waitFor('followed after a join', () => topics(again).includes(channelTopic(channel)));
  });

  it('leaves the topic when a remote admin bans its last local member', async () => {
    const a = await start();
    const b = await start();
    const alice = (await a.node.createLocalUser('alice')).user;
    const channel = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'strict' }))
      .channel!.id;
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(channel);
    const bob = (await b.node.createLocalUser('bob')).user;
    await b.node.submit(bob.id, { kind: 'joinChannel', channel });
    await waitFor('bob a member on A', () => isMember(a, channel, bob.id));
    expect(topics(b)).toContain(channelTopic(channel));
    await a.node.submit(alice.id, { kind: 'setRole', channel, user: bob.id, role: 'banned' });
    await waitFor('B off the topic', () => !topics(b).includes(channelTopic(channel)));
  });

  it('keeps a bridged channel followed after its bridged people left', async () => {
    const r = await start();
    const owner = (await r.node.createLocalUser('owner')).user;
    const create = (name: string) =>
      r.node.submit(owner.id, { kind: 'createChannel', name }).then((x) => x.channel!.id);
    const bridged = await create('bridged');
    const native = await create('native');
    const nick = await r.node.ensureBridgedUser(
      { network: 'irc', externalId: 'nick' },
      { username: 'nick' },
    );
    await r.node.submit(nick.id, { kind: 'joinChannel', channel: bridged });
    await r.node.submit(owner.id, { kind: 'leaveChannel', channel: bridged });
    await r.node.submit(nick.id, { kind: 'leaveChannel', channel: bridged });
    // Publishes are chained: once the later leave has dropped its topic, the earlier ones are done.
    await r.node.submit(owner.id, { kind: 'leaveChannel', channel: native });
    await waitFor('off the native topic', () => !topics(r).includes(channelTopic(native)));
    expect(r.node.listMembers(bridged)).toEqual([]);
    expect(topics(r)).toContain(channelTopic(bridged));
    // The same from the store alone, after a restart.
    await stopAndKeep(r);
    const again = await start({ dir: r.dir });
    expect(topics(again)).toContain(channelTopic(bridged));
    expect(topics(again)).not.toContain(channelTopic(native));
  });
});
