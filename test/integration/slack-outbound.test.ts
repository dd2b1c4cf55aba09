/**
 * Slack specifics of outbound actions → the Web API calls Slack documents, against the fake, with
 * the adapter running each receiver: the bridged person's name and avatar, emotes, gone messages,
 * reactions by Slack name, joins on `not_in_channel`, permanent refusals, and 429s handed back
 * with `Retry-After`. Threads, splitting, edits, deletes and reactions as a person sees them are
 * the adapter contract's (slack-contract.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bridges/errors.js';
import type {
  ExternalMessageId,
  LinkTarget,
  RichText,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import type { FakeChannel } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';

const base = (target: LinkTarget) => ({
  target,
  targetKey: 'slack:test' as TargetKey,
  idempotencyKey: `k-${Math.random()}`,
  sender: { id: 'p-alice', name: 'alice', avatarUrl: 'https://avatars.example/alice.png' },
});
const sendAction = (
  target: LinkTarget,
  text: string,
  extra: Partial<SendAction> = {},
): SendAction => ({
  kind: 'send',
  ...base(target),
  text,
  rich: { blocks: [] },
  ...extra,
});
const id = (ts: string | undefined) => ts as ExternalMessageId;

describe.each<ReceiverMode>(['socket', 'http'])('slack outbound (%s receiver)', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;

  beforeAll(async () => {
    h = await startSlackHarness(mode, { config: { maxAttachmentBytes: 1_024 } });
    general = h.fake.addChannel('general');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('send → chat.postMessage with username, icon_url and the mrkdwn text', async () => {
    const result = await h.adapter.send(sendAction({ channel: general.id }, 'hi *there* <@U0BOB>'));
    expect(result.externalIds).toHaveLength(1);
    const stored = h.fake.state.message(general.id, result.externalIds[0] as string);
    expect(stored).toMatchObject({
      text: 'hi *there* <@U0BOB>',
      username: 'alice',
      icon_url: 'https://avatars.example/alice.png',
    });
    const call = h.fake.callsOf('chat.postMessage').at(-1);
    expect(call?.token).toBe(h.fake.botToken);
  });

  it('an emote is italic', async () => {
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, 'waves', { isEmote: true }),
    );
    expect(h.fake.state.message(general.id, sent.externalIds[0] as string)?.text).toBe('_waves_');
  });

  it('deleting a message that is gone is fine', async () => {
    await expect(
      h.adapter.delete({
        kind: 'delete',
        ...base({ channel: general.id }),
        externalIds: [id('1700000000.000001')],
      }),
    ).resolves.toEqual({ externalIds: [] });
  });

  it('editing a message that is gone is a permanent failure', async () => {
    const error = await h.adapter
      .edit({
        kind: 'edit',
        ...base({ channel: general.id }),
        externalIds: [id('1700000000.000001')],
        text: 'x',
        rich: { blocks: [] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(true);
  });

  it('react/unreact → reactions.add/remove by Slack name; repeats are idempotent; custom names kept', async () => {
    const sent = await h.adapter.send(sendAction({ channel: general.id }, 'react here'));
    const ts = id(sent.externalIds[0]);
    const react = (emoji: string, kind: 'react' | 'unreact' = 'react') =>
      h.adapter.react({ kind, ...base({ channel: general.id }), externalId: ts, emoji });
    await react('👍');
    await react('👍');
    await react('👍🏽');
    await react(':partyparrot:');
    const m = h.fake.state.message(general.id, ts);
    expect([...(m?.reactions.keys() ?? [])]).toEqual(['+1', '+1::skin-tone-4', 'partyparrot']);
    await react('👍', 'unreact');
    await react('👍', 'unreact');
    expect(m?.reactions.has('+1')).toBe(false);
  });

  it('a reaction Slack has no name for is a line in the message thread, deleted on removal', async () => {
    const sent = await h.adapter.send(sendAction({ channel: general.id }, 'odd reaction here'));
    const ts = id(sent.externalIds[0]);
    const react = (kind: 'react' | 'unreact') =>
      h.adapter.react({
        kind,
        ...base({ channel: general.id }),
        externalId: ts,
        emoji: 'not an emoji',
      });
    const thread = () => [...h.fake.state.messages.values()].filter((x) => x.thread_ts === ts);
    await react('react');
    expect(thread().map((x) => [x.text, x.username])).toEqual([
      ['_reacted not an emoji_', 'alice'],
    ]);
    await react('unreact');
    expect(thread()).toEqual([]);
  });

  it('a reply outside a thread carries a quote line; inside a thread it is a thread reply', async () => {
    const quoted = await h.adapter.send(
      sendAction({ channel: general.id }, 'sure', {
        replyQuote: { name: 'bob <b>', text: 'shall we meet?' },
      }),
    );
    expect(h.fake.state.message(general.id, quoted.externalIds[0] as string)?.text).toBe(
      '> *bob &lt;b&gt;*: shall we meet?\nsure',
    );
    const root = await h.adapter.send(sendAction({ channel: general.id }, 'a root'));
    const reply = await h.adapter.send(
      sendAction({ channel: general.id }, 'in thread', { threadRoot: root.externalIds[0] }),
    );
    const stored = h.fake.state.message(general.id, reply.externalIds[0] as string);
    expect(stored).toMatchObject({ text: 'in thread', thread_ts: root.externalIds[0] });
  });

  it('an edit keeps the quote line and the emote; a longer edit appends parts in the thread', async () => {
    const quote = { name: 'bob', text: 'hello?' };
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, 'waves', { isEmote: true, replyQuote: quote }),
    );
    const edit = (text: string, rich: RichText = { blocks: [] }) =>
      h.adapter.edit({
        kind: 'edit',
        ...base({ channel: general.id }),
        externalIds: sent.externalIds,
        text,
        rich,
        isEmote: true,
        replyQuote: quote,
      });
    await edit('waves back');
    const first = sent.externalIds[0] as string;
    expect(h.fake.state.message(general.id, first)?.text).toBe('> *bob*: hello?\n_waves back_');
    const paragraphs = Array.from({ length: 3 }, (_, i) => `${'p'.repeat(3_000)}${i}`);
    const rich = {
      blocks: paragraphs.map((text) => ({
        type: 'paragraph' as const,
        children: [{ type: 'text' as const, text }],
      })),
    };
    const longer = await edit(paragraphs.join('\n\n'), rich);
    expect(longer.externalIds).toHaveLength(2);
    expect(h.fake.state.message(general.id, first)?.text).toBe(`> *bob*: hello?\n${paragraphs[0]}`);
    const added = longer.externalIds.map((x) => h.fake.state.message(general.id, x)?.text);
    expect(added).toEqual([paragraphs[1], paragraphs[2]]);
  });

  it('not_in_channel → conversations.join, then the post goes through', async () => {
    const outside = h.fake.addChannel('outside', { botMember: false });
    const result = await h.adapter.send(sendAction({ channel: outside.id }, 'hello outside'));
    expect(h.fake.callsOf('conversations.join').map((c) => c.args['channel'])).toContain(
      outside.id,
    );
    expect(h.fake.state.message(outside.id, result.externalIds[0] as string)?.text).toBe(
      'hello outside',
    );
  });

  it('an unknown channel is a permanent failure; resolveTarget turns #name into the id', async () => {
    const error = await h.adapter
      .send(sendAction({ channel: 'C0NOPE000' }, 'x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(true);
    const random = h.fake.addChannel('random', { botMember: false });
    await expect(h.adapter.resolveTarget({ channel: '#random' })).resolves.toEqual({
      channel: random.id,
    });
    expect(random.members.has(h.fake.state.bot.id)).toBe(true);
    await expect(h.adapter.resolveTarget({ channel: general.id })).resolves.toEqual({
      channel: general.id,
    });
    const secret = h.fake.addChannel('secret', { private: true, botMember: false });
    const refused = await h.adapter.resolveTarget({ channel: secret.id }).catch((e: unknown) => e);
    expect((refused as DeliveryError).permanent).toBe(true);
    const unknown = await h.adapter
      .resolveTarget({ channel: '#does-not-exist' })
      .catch((e: unknown) => e);
    expect((unknown as DeliveryError).permanent).toBe(true);
  });
});

describe('slack outbound limits and scopes', () => {
  let h: SlackHarness;
  let general: FakeChannel;

  beforeAll(async () => {
    h = await startSlackHarness('socket', {
      fake: {
        limits: (method) =>
          method === 'chat.postMessage' ? { rate: 1 / 3, burst: 2 } : { rate: 1_000, burst: 1_000 },
      },
    });
    general = h.fake.addChannel('general');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('declares Slack’s per-channel pace, and a 429 comes back with Retry-After as retryAfterMs', async () => {
    expect(h.adapter.capabilities.rateLimit).toEqual({ messagesPerSecond: 1, burst: 4 });
    expect(h.adapter.capabilities.idempotentSends).toBe(false);
    await h.adapter.send(sendAction({ channel: general.id }, 'one'));
    await h.adapter.send(sendAction({ channel: general.id }, 'two'));
    const error = await h.adapter
      .send(sendAction({ channel: general.id }, 'three'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(false);
    expect((error as DeliveryError).retryAfterMs).toBe(3_000);
    const last = h.fake.callsOf('chat.postMessage').at(-1);
    expect(last?.status).toBe(429);
    // Refused means not posted: only two messages exist.
    expect(h.fake.state.history(general.id).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('without chat:write.customize a custom name is refused permanently (missing_scope)', async () => {
    const fake = await startSlackHarness('socket', {
      fake: { missingScopes: ['chat:write.customize'] },
    });
    try {
      const channel = fake.fake.addChannel('general');
      const error = await fake.adapter
        .send(sendAction({ channel: channel.id }, 'x'))
        .catch((e: unknown) => e);
      expect((error as DeliveryError).permanent).toBe(true);
      expect((error as Error).message).toContain('missing_scope');
    } finally {
      await fake.stop();
    }
  });
});
