/**
 * Discord specifics of outbound actions → the right Discord REST calls, against the fake Discord
 * with the real discord.js REST client (its rate-limit queue included). What every adapter must do
 * (send, edit, delete, react, reply, thread, long texts…) is the shared adapter contract's, run in
 * discord-contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bridges/errors.js';
import type {
  ExternalMessageId,
  LinkTarget,
  ReactionAction,
  RichText,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import type { RecordedRequest } from '../peers/discord-fake/index.js';

let h: DiscordHarness;
let key = 0;

beforeAll(async () => {
  h = await startDiscordHarness();
});
afterAll(async () => {
  await h.stop();
});

function send(text: string, extra: Partial<SendAction> = {}): SendAction {
  return {
    kind: 'send',
    target: { channel: h.fake.channel.id },
    targetKey: 'discord:test' as TargetKey,
    idempotencyKey: `out-${++key}`,
    sender: { id: 'alice-id', name: 'alice', avatarUrl: 'https://example.org/alice.png' },
    text,
    rich: { blocks: [] } as never,
    ...extra,
  };
}

function base(target: LinkTarget = { channel: h.fake.channel.id }) {
  return {
    target,
    targetKey: 'discord:test' as TargetKey,
    idempotencyKey: `out-${++key}`,
    sender: { id: 'alice-id', name: 'alice' },
  };
}

/** Requests recorded while `run` ran. */
async function during(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const from = h.fake.requests.length;
  await run();
  // The slash command registration after READY runs on its own schedule: not part of an action.
  return h.fake.requests.slice(from).filter((r) => !r.template.startsWith('/applications/'));
}

const line = (r: RecordedRequest) =>
  `${r.method} ${r.template}${r.query}`.replace(/thread_id=\d+/, 'thread_id=T');

describe('discord outbound', () => {
  it('send → finds or creates one webhook per channel, then executes it with name and avatar', async () => {
    let result;
    const first = await during(
      async () => (result = await h.adapter.send(send('hello **world**'))),
    );
    expect(first.map(line)).toEqual([
      'GET /channels/:id/webhooks',
      'POST /channels/:id/webhooks',
      'POST /webhooks/:id/:token?wait=true',
    ]);
    expect(first[2]?.body).toMatchObject({
      content: 'hello **world**',
      username: 'alice',
      avatar_url: 'https://example.org/alice.png',
      allowed_mentions: { parse: ['users'] },
    });
    const id = result!.externalIds[0] as string;
    expect(h.fake.state.messages.get(id)).toMatchObject({
      content: 'hello **world**',
      author: { username: 'alice' },
    });
    const second = await during(() => h.adapter.send(send('again')));
    expect(second.map(line)).toEqual(['POST /webhooks/:id/:token?wait=true']);
    expect(h.fake.state.webhooks.size).toBe(1);
  });

  it('names Discord refuses are adjusted rather than the message lost', async () => {
    const result = await h.adapter.send(send('hi', { sender: { id: 'x', name: 'Discord fan' } }));
    const author =
      h.fake.state.messages.get(result.externalIds[0] as string)?.author.username ?? '';
    expect(author).not.toMatch(/discord/i);
    expect(author.replace('\u200d', '')).toBe('Discord fan');
  });

  // What a person sees of a reply (the jump link) and of long texts is the adapter contract's.
  it('a thread reply creates the thread from its root and posts with thread_id', async () => {
    const root = await h.adapter.send(send('root'));
    const rootId = root.externalIds[0] as ExternalMessageId;
    let inThread;
    const calls = await during(
      async () => (inThread = await h.adapter.send(send('in a thread', { threadRoot: rootId }))),
    );
    expect(calls.map(line)).toEqual([
      'GET /channels/:id',
      'POST /channels/:id/messages/:id/threads',
      'POST /webhooks/:id/:token?wait=true&thread_id=T',
    ]);
    const [id] = inThread!.externalIds;
    const [thread, message] = (id as string).split('/');
    expect(thread).toBe(rootId);
    expect(h.fake.state.messages.get(message as string)?.channel_id).toBe(rootId);
  });

  it('edit → PATCH of the webhook message; delete → DELETE of it (thread_id kept)', async () => {
    const root = await h.adapter.send(send('to edit'));
    const threaded = await h.adapter.send(
      send('threaded', { threadRoot: root.externalIds[0] as ExternalMessageId }),
    );
    const calls = await during(async () => {
      await h.adapter.edit({
        kind: 'edit',
        ...base(),
        externalIds: root.externalIds,
        text: 'edited',
        rich: { blocks: [] } as never,
      });
      await h.adapter.edit({
        kind: 'edit',
        ...base(),
        externalIds: threaded.externalIds,
        text: 'edited too',
        rich: { blocks: [] } as never,
      });
      await h.adapter.delete({ kind: 'delete', ...base(), externalIds: threaded.externalIds });
    });
    expect(calls.map(line)).toEqual([
      'PATCH /webhooks/:id/:token/messages/:id',
      'PATCH /webhooks/:id/:token/messages/:id?thread_id=T',
      'DELETE /webhooks/:id/:token/messages/:id?thread_id=T',
    ]);
    expect(h.fake.state.messages.get(root.externalIds[0] as string)?.content).toBe('edited');
    expect(
      h.fake.state.messages.has((threaded.externalIds[0] as string).split('/')[1] as string),
    ).toBe(false);
  });

  it('react/unreact → PUT/DELETE own reaction with the emoji URL-encoded; an unknown custom emoji is a line', async () => {
    const m = await h.adapter.send(send('react here'));
    const externalId = m.externalIds[0] as ExternalMessageId;
    h.fake.guild.emojis.push({ id: '222222222222222222', name: 'party', animated: false });
    h.fake.gateway.dispatch('GUILD_EMOJIS_UPDATE', {
      guild_id: h.fake.guild.id,
      emojis: [
        {
          id: '222222222222222222',
          name: 'party',
          roles: [],
          require_colons: true,
          managed: false,
          animated: false,
          available: true,
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const act = (kind: ReactionAction['kind'], emoji: string): ReactionAction => ({
      kind,
      ...base(),
      externalId,
      emoji,
    });
    const calls = await during(async () => {
      await h.adapter.react(act('react', '👍'));
      await h.adapter.react(act('react', ':party:'));
      await h.adapter.react(act('unreact', '👍'));
    });
    expect(calls.map((r) => `${r.method} ${r.path.replace(/\d{15,}/g, ':id')}`)).toEqual([
      'PUT /channels/:id/messages/:id/reactions/%F0%9F%91%8D/@me',
      'PUT /channels/:id/messages/:id/reactions/party%3A:id/@me',
      'DELETE /channels/:id/messages/:id/reactions/%F0%9F%91%8D/@me',
    ]);
    const reactions = h.fake.state.reactions.get(externalId);
    expect(reactions?.get('party:222222222222222222')?.size).toBe(1);
    expect(reactions?.get('👍')?.size).toBe(0);
    // A custom emoji this server lacks: a bot line replying to the message, deleted on removal.
    const added = await during(() => h.adapter.react(act('react', ':nope:')));
    const line = [...h.fake.state.messages.values()].find(
      (x) => x.content === '**alice** reacted :nope:',
    );
    expect(added.map((r) => r.method)).toEqual(['POST']);
    const reference = line?.['message_reference'] as { message_id?: string } | undefined;
    expect(reference?.message_id).toBe(externalId);
    await h.adapter.react(act('unreact', ':nope:'));
    expect(h.fake.state.messages.has(String(line?.['id']))).toBe(false);
  });

  it('an edit keeps the reply line and the emote; a longer edit appends parts after it', async () => {
    const root = await h.adapter.send(send('the question'));
    const replyTo = root.externalIds[0] as ExternalMessageId;
    const sent = await h.adapter.send(send('nods', { replyTo, isEmote: true }));
    const first = sent.externalIds[0] as string;
    const content = () => String(h.fake.state.messages.get(first)?.['content']);
    expect(content()).toMatch(/^-# ↪ https:\/\/discord\.com\/channels\/.+\n_nods_$/);
    const replyLine = content().split('\n')[0];
    const edit = (text: string, rich: RichText = { blocks: [] }) =>
      h.adapter.edit({
        kind: 'edit',
        ...base(),
        externalIds: sent.externalIds,
        text,
        rich,
        replyTo,
        isEmote: true,
      });
    await edit('nods twice');
    expect(content()).toBe(`${replyLine}\n_nods twice_`);
    const paragraphs = ['a', 'b', 'c'].map((c) => c.repeat(1_500));
    const rich: RichText = {
      blocks: paragraphs.map((text) => ({ type: 'paragraph', children: [{ type: 'text', text }] })),
    };
    const longer = await edit(paragraphs.join('\n\n'), rich);
    expect(content()).toBe(`${replyLine}\n${paragraphs[0]}`);
    expect(longer.externalIds).toHaveLength(2);
    expect(longer.externalIds.map((x) => h.fake.state.messages.get(x)?.['content'])).toEqual([
      paragraphs[1],
      paragraphs[2],
    ]);
  });

  it('without Manage Webhooks in a channel, posts, edits and deletes go as the bot', async () => {
    const locked = h.fake.addChannel('locked');
    h.fake.state.webhooksDenied.add(locked.id);
    const target = { channel: locked.id };
    const sent = await h.adapter.send(send('still delivered', { target }));
    const posted = h.fake.state.messages.get(sent.externalIds[0] as string);
    expect(posted).toMatchObject({
      content: '**alice:** still delivered',
      author: { id: h.fake.state.bot.id },
    });
    const calls = await during(async () => {
      await h.adapter.edit({
        kind: 'edit',
        ...base(target),
        externalIds: sent.externalIds,
        text: 'fixed',
        rich: { blocks: [] } as never,
      });
      await h.adapter.delete({ kind: 'delete', ...base(target), externalIds: sent.externalIds });
    });
    expect(calls.map(line)).toEqual([
      'PATCH /channels/:id/messages/:id',
      'DELETE /channels/:id/messages/:id',
    ]);
    expect(h.fake.state.messages.has(sent.externalIds[0] as string)).toBe(false);
  });

  it('an unknown channel or a malformed target fails permanently', async () => {
    const unknown = h.adapter.send(send('x', { target: { channel: '123456789012345678' } }));
    await expect(unknown).rejects.toBeInstanceOf(DeliveryError);
    await expect(unknown).rejects.toMatchObject({ permanent: true });
    await expect(h.adapter.send(send('x', { target: { room: '#x' } }))).rejects.toMatchObject({
      permanent: true,
    });
    await expect(h.adapter.resolveTarget({ channel: '123456789012345678' })).rejects.toMatchObject({
      permanent: true,
    });
  });
});

describe('discord outbound as the bot (useWebhooks: false)', () => {
  let bot: DiscordHarness;
  beforeAll(async () => {
    bot = await startDiscordHarness({ config: { useWebhooks: false } });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('sends with a nonce and enforce_nonce, so a retried delivery posts once; replies are native', async () => {
    const action: SendAction = {
      kind: 'send',
      target: { channel: bot.fake.channel.id },
      targetKey: 'discord:test' as TargetKey,
      idempotencyKey: 'delivery-42',
      sender: { id: 'a', name: 'alice' },
      text: 'once only',
      rich: { blocks: [] } as never,
    };
    const first = await bot.adapter.send(action);
    // A fresh adapter (a restart) retries the same delivery: Discord answers with the same message.
    await bot.adapter.stop();
    const again = await (await bot.restart()).send(action);
    expect(again.externalIds).toEqual(first.externalIds);
    const posts = [...bot.fake.state.messages.values()].filter((m) =>
      m.content.endsWith('once only'),
    );
    expect(posts).toHaveLength(1);
    const request = bot.fake.requests.find(
      (r) => r.template === '/channels/:id/messages' && r.method === 'POST',
    );
    expect(request?.body).toMatchObject({ content: '**alice:** once only', enforce_nonce: true });
    expect(String((request?.body as { nonce: string }).nonce).length).toBeLessThanOrEqual(25);

    const reply = await bot.adapter.send({
      ...action,
      idempotencyKey: 'delivery-43',
      text: 'a reply',
      replyTo: first.externalIds[0] as ExternalMessageId,
    });
    expect(
      bot.fake.state.messages.get(reply.externalIds[0] as string)?.['message_reference'],
    ).toMatchObject({ message_id: first.externalIds[0] });
  });
});
