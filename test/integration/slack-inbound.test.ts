/**
 * Contract: every Slack event the bridge handles → the right normalized inbound event, with the
 * real bolt app connected to the fake Slack, once over Socket Mode and once over the HTTP Events
 * API (signed requests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bridges/types.js';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  until,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';

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

  /** Events emitted after `from`, once `count` of `kind` have arrived. */
  async function next<K extends InboundEvent['kind']>(
    from: number,
    kind: K,
    count = 1,
  ): Promise<Extract<InboundEvent, { kind: K }>[]> {
    const of = () =>
      h.events.slice(from).filter((e): e is Extract<InboundEvent, { kind: K }> => e.kind === kind);
    await until(() => of().length >= count, `${count} ${kind} event(s)`);
    return of();
  }

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
    const profileAt = h.events.findIndex(
      (e, i) => i >= from && e.kind === 'profile' && e.sender.externalId === carol.id,
    );
    const messageAt = h.events.findIndex((e, i) => i >= from && e.kind === 'message');
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

  it('message_changed → edit (unfurls ignored); message_deleted → delete', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'see https://example.org');
    h.fake.unfurl(m);
    h.fake.edit(m, 'see https://example.org (edited)');
    h.fake.remove(m);
    const [deleted] = await next(from, 'delete');
    const edits = h.events.slice(from).filter((e) => e.kind === 'edit');
    expect(edits).toEqual([
      expect.objectContaining({
        externalId: m.ts,
        text: 'see https://example.org (edited)',
        sender: expect.objectContaining({ externalId: bob.id }),
      }),
    ]);
    expect(deleted).toMatchObject({
      externalId: m.ts,
      target: { channel: general.id },
      sender: { externalId: bob.id },
    });
  });

  it('a message_deleted without previous_message → delete that names no deleter', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'old news');
    h.fake.remove(m, { oldMessage: true });
    const [deleted] = await next(from, 'delete');
    expect(deleted).toMatchObject({ externalId: m.ts, target: { channel: general.id } });
    expect(deleted?.sender).toBeUndefined();
  });

  it('reaction_added/removed → reaction with Unicode; skin tones and custom emoji kept', async () => {
    const from = h.events.length;
    const m = h.fake.say(general, bob, 'react to me');
    h.fake.react(m, carol, 'thumbsup');
    h.fake.react(m, carol, '+1::skin-tone-3');
    h.fake.react(m, carol, 'partyparrot');
    h.fake.react(m, carol, 'thumbsup', false);
    const reactions = await next(from, 'reaction', 4);
    expect(reactions.map((r) => [r.emoji, r.added, r.externalId, r.sender.externalId])).toEqual([
      ['👍', true, m.ts, carol.id],
      ['👍🏼', true, m.ts, carol.id],
      [':partyparrot:', true, m.ts, carol.id],
      ['👍', false, m.ts, carol.id],
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

  it("another integration's bot_message is bridged under its name; our own messages are marked self", async () => {
    const from = h.events.length;
    h.fake.botSay(general, 'B0OTHER', 'CI bot', 'build green');
    const [other] = await next(from, 'message');
    expect(other).toMatchObject({
      sender: { externalId: 'B0OTHER', displayName: 'CI bot' },
      text: 'build green',
    });
    expect(other?.self).toBeUndefined();

    const mark = h.events.length;
    const sent = await h.adapter.send({
      kind: 'send',
      target: { channel: general.id },
      targetKey: 'k' as never,
      idempotencyKey: 'i1',
      sender: { id: 'p1', name: 'alice' },
      text: 'from multichat',
      rich: { blocks: [] },
    });
    const ts = sent.externalIds[0] as string;
    await h.adapter.react({
      kind: 'react',
      target: { channel: general.id },
      targetKey: 'k' as never,
      idempotencyKey: 'i2',
      sender: { id: 'p1', name: 'alice' },
      externalId: ts as never,
      emoji: '👍',
    });
    await h.adapter.edit({
      kind: 'edit',
      target: { channel: general.id },
      targetKey: 'k' as never,
      idempotencyKey: 'i3',
      sender: { id: 'p1', name: 'alice' },
      externalIds: [ts as never],
      text: 'edited',
      rich: { blocks: [] },
    });
    await h.adapter.delete({
      kind: 'delete',
      target: { channel: general.id },
      targetKey: 'k' as never,
      idempotencyKey: 'i4',
      sender: { id: 'p1', name: 'alice' },
      externalIds: [ts as never],
    });
    await next(mark, 'delete');
    const echoes = h.events.slice(mark);
    expect(echoes.map((e) => e.kind)).toEqual(['message', 'reaction', 'edit', 'delete']);
    for (const echo of echoes) expect(echo).toMatchObject({ self: true });
  });
});
