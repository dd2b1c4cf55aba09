/**
 * The setTopic intent: a channel admin replaces the topic (the channel resource is replaced
 * whole), anyone else is refused by channelLogic, an empty topic clears it, a topic set back to
 * an earlier value is a new resource, and a replica that ingests the log agrees.
 */
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { IntentRejectedError } from '../../../src/core/errors.js';
import type { ChannelView } from '../../../src/core/types.js';
import { allEnvelopes, tempNode } from '../../support/core.js';

async function world() {
  const node = await tempNode();
  const admin = (await node.createLocalUser('admin')).user.id;
  const bob = (await node.createLocalUser('bob')).user.id;
  const { channel } = await node.submit(admin, {
    kind: 'createChannel',
    name: 'general',
    topic: 'first',
  });
  await node.submit(bob, { kind: 'joinChannel', channel: channel!.id });
  return { node, admin, bob, ch: channel!.id };
}

async function replicaOf(node: MultichatNode): Promise<MultichatNode> {
  const replica = await tempNode();
  const result = await replica.ingest(allEnvelopes(node));
  expect(result.rejected).toEqual([]);
  return replica;
}

describe('setTopic', () => {
  it('an admin changes, clears and sets back the topic; the event and a replica show it', async () => {
    const { node, admin, ch } = await world();
    const seen: (string | undefined)[] = [];
    node.on('channel', (e: { channel: ChannelView }) => seen.push(e.channel.topic));
    await node.submit(admin, { kind: 'setTopic', channel: ch, topic: 'second' });
    expect(node.getChannel(ch)?.topic).toBe('second');
    await node.submit(admin, { kind: 'setTopic', channel: ch, topic: '' });
    expect(node.getChannel(ch)?.topic).toBeUndefined();
    // Back to an earlier value: a new resource, not the one a change consumed.
    await node.submit(admin, { kind: 'setTopic', channel: ch, topic: 'second' });
    expect(node.getChannel(ch)).toMatchObject({ name: 'general', topic: 'second', memberCount: 2 });
    expect(seen).toEqual(['second', undefined, 'second']);

    const replica = await replicaOf(node);
    expect(replica.getChannel(ch)).toMatchObject({ name: 'general', topic: 'second' });
  });

  it('refuses a member, and an invalid topic, changing nothing', async () => {
    const { node, bob, admin, ch } = await world();
    await expect(
      node.submit(bob, { kind: 'setTopic', channel: ch, topic: 'mine' }),
    ).rejects.toMatchObject({ rule: 'channel.manage' });
    await expect(
      node.submit(bob, { kind: 'setTopic', channel: ch, topic: 'mine' }),
    ).rejects.toBeInstanceOf(IntentRejectedError);
    await expect(
      node.submit(admin, { kind: 'setTopic', channel: ch, topic: 'x'.repeat(1025) }),
    ).rejects.toThrow(/topic/);
    expect(node.getChannel(ch)?.topic).toBe('first');
  });
});
