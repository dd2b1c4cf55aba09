/**
 * Discord topics with the real adapter against the fake (Modify Channel and CHANNEL_UPDATE as
 * documented): a topic goes out as PATCH /channels/{id} and is cut to 1024 characters; a
 * person's change in the client arrives as a topic event (named as the bot's user: Discord does
 * not say who); an update that does not change the topic is not an event; without Manage
 * Channels the refusal is permanent; a thread target has no topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bridges/errors.js';
import type { TargetKey, TopicAction } from '../../src/bridges/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import { nextEvents } from '../support/inbound-events.js';

function topicAction(target: Record<string, string>, topic: string): TopicAction {
  return {
    kind: 'topic',
    target,
    targetKey: `discord:${target['channel']}` as TargetKey,
    idempotencyKey: `topic-${topic.length}`,
    sender: { id: 'gateway', name: 'gateway' },
    topic,
  };
}

describe('discord topic', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('sets the topic with PATCH and reports the change back once', async () => {
    const channel = h.fake.channel.id;
    expect(h.adapter.capabilities.topic).toBe(true);
    const from = h.events.length;
    await h.adapter.setTopic(topicAction({ channel }, 'release day'));
    expect(h.fake.state.channels.get(channel)?.['topic']).toBe('release day');
    const [echo] = await nextEvents(h.events, from, 'topic');
    expect(echo).toMatchObject({ target: { channel }, topic: 'release day' });

    await h.adapter.setTopic(topicAction({ channel }, 'x'.repeat(1500)));
    expect(h.fake.state.channels.get(channel)?.['topic']).toBe(`${'x'.repeat(1023)}…`);
  });

  it("a person's change arrives as a topic event; an unchanged topic is none", async () => {
    const channel = h.fake.channel.id;
    const from = h.events.length;
    h.fake.setTopic(channel, 'picked by a person');
    h.fake.setTopic(channel, 'picked by a person');
    h.fake.setTopic(channel, 'and again');
    const events = await nextEvents(h.events, from, 'topic', 2);
    expect(events.map((e) => e.kind === 'topic' && e.topic)).toEqual([
      'picked by a person',
      'and again',
    ]);
    expect(events[0]?.sender.externalId).toBe(h.fake.state.bot.id);
    expect(h.events.slice(from).filter((e) => e.kind === 'topic')).toHaveLength(2);
  });

  it('without Manage Channels, or for a thread, the refusal is permanent', async () => {
    const channel = h.fake.channel.id;
    h.fake.state.manageChannelsDenied.add(channel);
    try {
      const refused = await h.adapter
        .setTopic(topicAction({ channel }, 'nope'))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect((refused as DeliveryError).permanent).toBe(true);
      expect(h.fake.state.channels.get(channel)?.['topic']).not.toBe('nope');
    } finally {
      h.fake.state.manageChannelsDenied.delete(channel);
    }
    const thread = await h.adapter
      .setTopic(topicAction({ channel, thread: '123456789012345678' }, 'no'))
      .catch((e: unknown) => e);
    expect((thread as DeliveryError).permanent).toBe(true);
  });
});
