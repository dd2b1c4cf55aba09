/**
 * Channel topics through the router: a network's topic change becomes the channel's topic and
 * reaches every other linked network that sets topics (capability `topic`), never the one it
 * came from; a network without the capability gets a counted drop; the echo of a topic the
 * gateway set is not a change; a topic set in Multichat goes everywhere. Who may change it:
 * the person when they are admin of the channel, else the gateway when it is (channels it
 * created for links), else nobody (counted `not_admin`).
 */
import { describe, expect, it } from 'vitest';
import type { ExternalUserId, LinkTarget } from '../../../src/bridges/types.js';
import type { ChannelId } from '../../../src/core/types.js';
import { startHarness, type Harness } from './harness.js';

const staff = { channel: 'staff' };
const withTopic = { topic: true };

function topicEvent(h: Harness, name: string, target: LinkTarget, who: string, topic: string) {
  return h.adapter(name).inject({
    kind: 'topic',
    target,
    sender: { externalId: who as ExternalUserId, displayName: who },
    topic,
  });
}

const topicsAt = (h: Harness, name: string) => h.adapter(name).topics.map((t) => t.topic);

/** Links `staff` (created by the gateway, so the gateway is its admin) to every network. */
async function linkStaff(h: Harness, names: readonly string[]): Promise<ChannelId> {
  let channel = '';
  for (const network of names)
    channel = (await h.runtime.links.create({ channel: 'staff', network, target: staff })).channel;
  return channel as ChannelId;
}

describe('router topics', () => {
  // Every ordered pair of shapes: a and b set topics, c cannot.
  const shapes = [
    { name: 'a', capabilities: withTopic },
    { name: 'b', capabilities: withTopic },
    { name: 'c' },
  ];
  for (const from of ['a', 'b', 'c']) {
    it(`carries a topic changed on ${from} to the channel and the other topic networks`, async () => {
      const h = await startHarness(shapes, { link: false });
      h.expectDrops((d) => d.network === 'c' && d.kind === 'topic' && d.reason === 'unsupported');
      const channel = await linkStaff(h, ['a', 'b', 'c']);
      await topicEvent(h, from, staff, 'bob', `set on ${from}`);
      await h.settle();
      expect(h.node.getChannel(channel)?.topic).toBe(`set on ${from}`);
      for (const to of ['a', 'b']) {
        // Never back to where it came from; to every other network that sets topics.
        expect(topicsAt(h, to)).toEqual(to === from ? [] : [`set on ${from}`]);
      }
      // c cannot set topics: counted when it was not the origin, nothing queued for it.
      expect(h.networks.get('c')?.calls.filter((c) => c.kind === 'topic')).toEqual([]);
      expect(h.runtime.dropped()).toEqual(
        from === 'c' ? [] : [{ network: 'c', kind: 'topic', reason: 'unsupported', count: 1 }],
      );
      const action = h.adapter(from === 'a' ? 'b' : 'a').topics[0];
      expect(action?.target).toEqual(staff);
      expect(action?.sender.name).toBe('gateway');
    });
  }

  it('drops the echo of a topic the gateway set, so nothing loops', async () => {
    const h = await startHarness(
      [
        { name: 'a', capabilities: withTopic, echo: true },
        { name: 'b', capabilities: withTopic, echo: true },
      ],
      { link: false },
    );
    const channel = await linkStaff(h, ['a', 'b']);
    const seen: (string | undefined)[] = [];
    h.node.on('channel', (e) => seen.push(e.channel.topic));
    await topicEvent(h, 'a', staff, 'bob', 'first');
    await h.settle();
    await h.settle(); // b's echo, if it were a change, would be fanned out by now
    expect(seen).toEqual(['first']);
    expect(topicsAt(h, 'a')).toEqual([]);
    expect(topicsAt(h, 'b')).toEqual(['first']);

    // A person on b changes it afterwards: a real change again, carried to a only.
    await topicEvent(h, 'b', staff, 'carol', 'second');
    await h.settle();
    await h.settle();
    expect(h.node.getChannel(channel)?.topic).toBe('second');
    expect(seen).toEqual(['first', 'second']);
    expect(topicsAt(h, 'a')).toEqual(['second']);
    expect(topicsAt(h, 'b')).toEqual(['first']);
  });

  it('drops a late echo of an older topic the gateway set, keeping the newer one', async () => {
    const h = await startHarness(
      [
        { name: 'a', capabilities: withTopic },
        { name: 'b', capabilities: withTopic },
      ],
      { link: false },
    );
    const channel = await linkStaff(h, ['a', 'b']);
    await topicEvent(h, 'a', staff, 'bob', 'first');
    await h.settle();
    await topicEvent(h, 'a', staff, 'bob', 'second');
    await h.settle();
    expect(topicsAt(h, 'b')).toEqual(['first', 'second']);
    // b reports our two changes back only now, the older first.
    await topicEvent(h, 'b', staff, 'bridge-bot', 'first');
    await topicEvent(h, 'b', staff, 'bridge-bot', 'second');
    await h.settle();
    expect(h.node.getChannel(channel)?.topic).toBe('second');
    expect(topicsAt(h, 'a')).toEqual([]);
  });

  it('a person setting a topic the gateway once set (never echoed) is a change', async () => {
    const h = await startHarness(
      [
        { name: 'a', capabilities: withTopic },
        { name: 'b', capabilities: withTopic },
      ],
      { link: false },
    );
    const channel = await linkStaff(h, ['a', 'b']);
    await topicEvent(h, 'a', staff, 'bob', 'first'); // b never echoes it
    await h.settle();
    await topicEvent(h, 'b', staff, 'carol', 'second');
    await h.settle();
    await topicEvent(h, 'b', staff, 'carol', 'first');
    await h.settle();
    expect(h.node.getChannel(channel)?.topic).toBe('first');
    expect(topicsAt(h, 'a')).toEqual(['second', 'first']);
  });

  it('sends a topic set in Multichat to every topic network, and an emptied topic too', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: withTopic, echo: true },
      { name: 'b', capabilities: withTopic },
    ]);
    await h.node.submit(h.alice.id, { kind: 'setTopic', channel: h.general, topic: 'agenda' });
    await h.settle();
    await h.node.submit(h.alice.id, { kind: 'setTopic', channel: h.general, topic: '' });
    await h.settle();
    await h.settle();
    expect(topicsAt(h, 'a')).toEqual(['agenda', '']);
    expect(topicsAt(h, 'b')).toEqual(['agenda', '']);
    expect(h.node.getChannel(h.general)?.topic).toBeUndefined();
  });

  it('changes the topic as the person when they are admin, else refuses (counted)', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { ...withTopic, roles: true } },
      { name: 'b', capabilities: { ...withTopic, roles: true } },
    ]);
    // `general` was created by alice: neither bob nor the gateway may change its topic.
    h.expectDrops((d) => d.kind === 'topic' && d.reason === 'not_admin');
    await topicEvent(h, 'a', { channel: 'main' }, 'bob', 'not allowed');
    await h.settle();
    // Nobody the gateway never saw gets a profile just for a topic change.
    expect(await h.store.identities.get('a' as never, 'bob')).toBeUndefined();
    await h.adapter('a').receive({ channel: 'main' }, 'bob', 'hello');
    await topicEvent(h, 'a', { channel: 'main' }, 'bob', 'not allowed');
    await h.settle();
    expect(h.node.getChannel(h.general)?.topic).toBeUndefined();
    expect(h.runtime.dropped()).toEqual([
      { network: 'a', kind: 'topic', reason: 'not_admin', count: 2 },
    ]);
    expect(topicsAt(h, 'b')).toEqual([]);

    const bob = (await h.store.identities.get('a' as never, 'bob'))?.userId;
    expect(bob).toBeDefined();
    await h.node.submit(h.alice.id, {
      kind: 'setRole',
      channel: h.general,
      user: bob as never,
      role: 'admin',
    });
    await topicEvent(h, 'a', { channel: 'main' }, 'bob', 'bob decides');
    await h.settle();
    expect(h.node.getChannel(h.general)?.topic).toBe('bob decides');
    expect(topicsAt(h, 'b')).toEqual(['bob decides']);
    expect(topicsAt(h, 'a')).toEqual([]);
  });
});
