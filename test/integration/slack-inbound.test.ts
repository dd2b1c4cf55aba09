/**
 * Slack specifics of inbound events (avatars and shortcodes, mention order, rich_text blocks,
 * thread broadcasts and emotes, unfurls, deletes without a deleter, skin tones and custom emoji,
 * members, profiles, topics, other integrations' bots) → the right normalized inbound event, with
 * the real bolt app connected to the fake Slack, over Socket Mode and over the HTTP Events API. A
 * person's message, edit, delete and reaction, and echoes of our own actions, are the adapter
 * contract's (slack-contract.test.ts, both receivers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bridges/types.js';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';
import { nextEvents, profileThenMessage } from '../support/inbound-events.js';

describe.each<ReceiverMode>(['socket', 'http'])('slack inbound over %s', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;
  let bob: FakeUser;
  let carol: FakeUser;

  beforeAll(async () => {
    h = await startSlackHarness(mode);
    general = h.fake.addChannel('general');
    bob = h.fake.addUser('bob', { image: 'https://avatars.example/bob.png' });
    carol = h.fake.addUser('carol');
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Events of `kind` emitted after `from`, once `count` of them have arrived. */
  const next = <K extends InboundEvent['kind']>(from: number, kind: K, count = 1) =>
    nextEvents(h.events, from, kind, count);

  it('message → message with sender, avatar, target and mrkdwn; shortcodes become Unicode', async () => {
    const from = h.events.length;
    const sent = h.fake.say(general, bob, 'hi *all* :tada: `:tada:`');
    const [message] = await next(from, 'message');
    expect(message).toMatchObject({
      target: { channel: general.id },
      externalId: sent.ts,
      sender: {
        externalId: bob.id,
        displayName: 'bob',
        avatarUrl: 'https://avatars.example/bob.png',
      },
      text: 'hi *all* 🎉 `:tada:`',
    });
    expect(message?.self).toBeUndefined();
  });

  it('a <@U…> mention keeps its form and the mentioned person is announced first', async () => {
    const from = h.events.length;
    h.fake.say(general, bob, `ask <@${carol.id}>`);
    const [message] = await next(from, 'message');
    expect(message?.text).toBe(`ask <@${carol.id}>`);
    const { profileAt, messageAt } = profileThenMessage(h.events, from, carol.id);
    expect(profileAt).toBeGreaterThanOrEqual(0);
    expect(profileAt).toBeLessThan(messageAt);
  });

  it('rich_text blocks win over the text fallback (lists, quotes, code, styles)', async () => {
    const from = h.events.length;
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'plan ', style: { bold: true } },
              { type: 'emoji', name: '+1' },
              { type: 'user', user_id: carol.id },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'ordered',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] },
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'two' }] },
            ],
          },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'said <so>' }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'x = 1' }] },
        ],
      },
    ];
    h.fake.say(general, bob, 'plan :+1: one two said so x = 1', { blocks });
    const [message] = await next(from, 'message');
    expect(message?.text).toBe(
      `*plan* 👍<@${carol.id}>\n1. one\n2. two\n> said &lt;so&gt;\n\`\`\`x = 1\`\`\``,
    );
  });

  it('thread replies and thread_broadcast carry threadRoot; me_message is an emote', async () => {
    const from = h.events.length;
    const root = h.fake.say(general, bob, 'root');
    const reply = h.fake.say(general, carol, 'in thread', { threadTs: root.ts });
    const broadcast = h.fake.say(general, carol, 'also to channel', {
      threadTs: root.ts,
      broadcast: true,
    });
    h.fake.say(general, bob, 'waves', { subtype: 'me_message' });
    const messages = await next(from, 'message', 4);
    expect(messages.map((m) => [m.externalId, m.threadRoot])).toEqual([
      [root.ts, undefined],
      [reply.ts, root.ts],
      [broadcast.ts, root.ts],
      [expect.any(String), undefined],
    ]);
    expect(messages[3]).toMatchObject({ text: 'waves', isEmote: true });
  });

  it('an unfurl (message_changed with the text unchanged) is no edit', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'see https://example.org');
    h.fake.unfurl(m);
    // The person's real edit comes after the unfurl: once it is in, the unfurl was handled.
    h.fake.edit(m, 'see https://example.org (edited)');
    await next(from, 'edit');
    const edits = h.events.slice(from).filter((e) => e.kind === 'edit');
    expect(edits).toEqual([
      expect.objectContaining({ externalId: m.ts, text: 'see https://example.org (edited)' }),
    ]);
  });

  it('a message_deleted without previous_message → delete that names no deleter', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'old news');
    h.fake.remove(m, { oldMessage: true });
    const [deleted] = await next(from, 'delete');
    expect(deleted).toMatchObject({ externalId: m.ts, target: { channel: general.id } });
    expect(deleted?.sender).toBeUndefined();
  });

  it('reactions keep skin tones and custom emoji', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'react to me');
    h.fake.react(m, carol, '+1::skin-tone-3');
    h.fake.react(m, carol, 'partyparrot');
    const reactions = await next(from, 'reaction', 2);
    expect(reactions.map((r) => [r.emoji, r.added, r.externalId, r.sender.externalId])).toEqual([
      ['👍🏼', true, m.ts, carol.id],
      [':partyparrot:', true, m.ts, carol.id],
    ]);
  });

  it('member_joined/left_channel → join/leave; user_change → profile; channel_topic → topic', async () => {
    const from = h.events.length;
    const dave = h.fake.addUser('dave');
    h.fake.join(general, dave);
    h.fake.leave(general, dave);
    h.fake.changeProfile(dave, { displayName: 'David', image: 'https://avatars.example/d.png' });
    h.fake.setTopic(general, bob, 'release day');
    const [topic] = await next(from, 'topic');
    const kinds = h.events.slice(from).map((e) => e.kind);
    expect(kinds).toEqual(['join', 'leave', 'profile', 'topic']);
    expect(h.events[from]).toMatchObject({
      kind: 'join',
      target: { channel: general.id },
      sender: { externalId: dave.id },
    });
    expect(h.events[from + 2]).toMatchObject({
      sender: {
        externalId: dave.id,
        displayName: 'David',
        avatarUrl: 'https://avatars.example/d.png',
      },
    });
    expect(topic).toMatchObject({ topic: 'release day', sender: { externalId: bob.id } });
  });

  it("another integration's bot_message is bridged under its name", async () => {
    const from = h.events.length;
    h.fake.botSay(general, 'B0OTHER', 'CI bot', 'build green');
    const [other] = await next(from, 'message');
    expect(other).toMatchObject({
      sender: { externalId: 'B0OTHER', displayName: 'CI bot' },
      text: 'build green',
    });
    expect(other?.self).toBeUndefined();
  });
});
