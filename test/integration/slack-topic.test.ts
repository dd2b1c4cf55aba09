/**
 * Slack topics out: conversations.setTopic with the link's channel (the fake checks membership,
 * scope and the documented 250-character limit), a longer topic cut with an ellipsis, Slack's
 * `channel_topic` message by the bot coming back as a topic event; a missing scope is a
 * permanent refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetKey, TopicAction } from '../../src/bridges/types.js';
import { DeliveryError } from '../../src/bridges/errors.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';
import { nextEvents } from '../support/inbound-events.js';

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

function topicAction(channel: string, topic: string): TopicAction {
  return {
    kind: 'topic',
    target: { channel },
    targetKey: `slack:${channel}` as TargetKey,
    idempotencyKey: `topic-${topic.length}`,
    sender: { id: 'gateway', name: 'gateway' },
    topic,
  };
}

describe('slack topic', () => {
  it('sets the topic, cuts one over 250 characters, and reports the echo by the bot', async () => {
    const h = await startSlackHarness('socket');
    harnesses.push(h);
    const general = h.fake.addChannel('general');
    await h.adapter.resolveTarget({ channel: general.id }); // the bot joins
    expect(h.adapter.capabilities.topic).toBe(true);

    const from = h.events.length;
    await h.adapter.setTopic(topicAction(general.id, 'release day'));
    expect(general.topic).toBe('release day');
    const [echo] = await nextEvents(h.events, from, 'topic');
    expect(echo).toMatchObject({ target: { channel: general.id }, topic: 'release day' });

    await h.adapter.setTopic(topicAction(general.id, 'é'.repeat(300)));
    expect([...(general.topic ?? '')]).toHaveLength(250);
    expect(general.topic).toBe(`${'é'.repeat(249)}…`);
    expect(h.fake.callsOf('conversations.setTopic')).toHaveLength(2);
  });

  it('a missing scope is a permanent refusal', async () => {
    const h = await startSlackHarness('socket', { fake: { missingScopes: ['channels:manage'] } });
    harnesses.push(h);
    const general = h.fake.addChannel('general');
    await h.adapter.resolveTarget({ channel: general.id });
    const refused = await h.adapter.setTopic(topicAction(general.id, 'x')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeliveryError);
    expect((refused as DeliveryError).permanent).toBe(true);
    expect(general.topic).toBeUndefined();
  });
});
