/**
 * Discord specifics of inbound events (intents, role and channel mentions, bulk deletes, custom
 * emoji, threads as targets, members, foreign webhooks) → the right normalized inbound event,
 * with the real discord.js client connected to the fake Discord. A person's message, edit, delete
 * and reaction, and echoes of our sends, are the adapter contract's (discord-contract.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bridges/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import type { FakeUser } from '../peers/discord-fake/index.js';
import { nextEvents, profileThenMessage } from '../support/inbound-events.js';

let h: DiscordHarness;
let bob: FakeUser;
let carol: FakeUser;

beforeAll(async () => {
  h = await startDiscordHarness();
  bob = h.fake.addUser('bob');
  carol = h.fake.addUser('carol');
});
afterAll(async () => {
  await h.stop();
});

/** Events of `kind` emitted after `from`, once `count` of them have arrived. */
const next = <K extends InboundEvent['kind']>(from: number, kind: K, count = 1) =>
  nextEvents(h.events, from, kind, count);

describe('discord inbound', () => {
  it('identifies with the intents the bridge needs, message content included', () => {
    const intents = h.fake.gateway.stats.lastIntents;
    for (const bit of [0, 1, 9, 10, 15]) expect(intents & (1 << bit)).not.toBe(0);
  });

  it('MESSAGE_CREATE → message with sender, target and text; mentions of roles and channels named', async () => {
    const from = h.events.length;
    const mods = h.fake.state.addRole(h.fake.guild.id, 'Mods');
    const random = h.fake.addChannel('random');
    // discord.js caches the role only from GUILD_CREATE/GUILD_ROLE_CREATE.
    h.fake.gateway.dispatch('GUILD_ROLE_CREATE', {
      guild_id: h.fake.guild.id,
      role: { ...mods, color: 0, hoist: false, managed: false, mentionable: true, flags: 0 },
    });
    const sent = h.fake.say(
      h.fake.channel.id,
      bob,
      `hi <@${carol.id}>, ask <@&${mods.id}> in <#${random.id}> **now**`,
    );
    const [message] = await next(from, 'message');
    expect(message).toMatchObject({
      target: { channel: h.fake.channel.id },
      externalId: sent.id,
      sender: { externalId: bob.id, displayName: 'bob' },
      text: `hi <@${carol.id}>, ask @Mods in #random **now**`,
    });
    expect(message?.self).toBeUndefined();
    // The mentioned person gets a profile first, so the router can name them.
    const { profileAt, messageAt } = profileThenMessage(h.events, from, carol.id);
    expect(profileAt).toBeGreaterThanOrEqual(0);
    expect(profileAt).toBeLessThan(messageAt);
  });

  it('a reply carries replyTo', async () => {
    const from = h.events.length;
    const root = h.fake.say(h.fake.channel.id, bob, 'root');
    const reply = h.fake.say(h.fake.channel.id, carol, 'look', { replyTo: root.id });
    const messages = await next(from, 'message', 2);
    const got = messages.find((m) => m.externalId === reply.id);
    expect(got?.replyTo).toBe(root.id);
    expect(got?.text).toBe('look');
  });

  // A person's edit, delete and Unicode reactions are the adapter contract's (discord-contract).
  it('a bulk delete → one delete per message, each by its author', async () => {
    const from = h.events.length;
    const b = h.fake.say(h.fake.channel.id, bob, 'two');
    const c = h.fake.say(h.fake.channel.id, carol, 'three');
    h.fake.bulkDelete(h.fake.channel.id, [b.id, c.id]);
    const deletes = await next(from, 'delete', 2);
    expect(deletes.map((d) => [d.externalId, d.sender?.externalId])).toEqual([
      [b.id, bob.id],
      [c.id, carol.id],
    ]);
  });

  it('a custom emoji reaction is shown by name', async () => {
    const from = h.events.length;
    const m = h.fake.say(h.fake.channel.id, bob, 'react to me');
    h.fake.react(carol, m.id, 'party:123456789012345678');
    const [reaction] = await next(from, 'reaction');
    expect(reaction).toMatchObject({ externalId: m.id, emoji: ':party:', added: true });
    expect(reaction?.sender.externalId).toBe(carol.id);
  });

  it('a message in a thread carries the thread root; a linked thread is its own target', async () => {
    const from = h.events.length;
    const root = h.fake.say(h.fake.channel.id, bob, 'start here');
    const thread = h.fake.startThread(h.fake.channel.id, root.id, 'topic');
    const inThread = h.fake.say(thread.id, carol, 'in the thread');
    const [, got] = await next(from, 'message', 2);
    expect(got).toMatchObject({
      target: { channel: h.fake.channel.id },
      threadRoot: root.id,
      externalId: `${thread.id}/${inThread.id}`,
    });

    const resolved = await h.adapter.resolveTarget({ channel: thread.id });
    expect(resolved).toEqual({ channel: h.fake.channel.id, thread: thread.id });
    const later = h.fake.say(thread.id, carol, 'thread as a link');
    const [, , third] = await next(from, 'message', 3);
    expect(third).toMatchObject({ target: resolved, externalId: `${thread.id}/${later.id}` });
    expect(third?.threadRoot).toBeUndefined();
  });

  it('member join/leave → join/leave in the guild text channels', async () => {
    const from = h.events.length;
    const dave = h.fake.state.user('dave');
    h.fake.memberJoin(dave);
    h.fake.memberLeave(dave);
    const joins = await next(from, 'join');
    const leaves = await next(from, 'leave');
    expect(joins.map((j) => j.target.channel)).toContain(h.fake.channel.id);
    expect(joins[0]?.sender).toMatchObject({ externalId: dave.id, displayName: 'dave' });
    expect(leaves.map((j) => j.target.channel)).toContain(h.fake.channel.id);
  });

  it('a member renamed (GUILD_MEMBER_UPDATE) → profile with the new display name', async () => {
    const from = h.events.length;
    h.fake.gateway.dispatch('GUILD_MEMBER_UPDATE', {
      guild_id: h.fake.guild.id,
      roles: [],
      user: bob,
      nick: 'Bobby',
      joined_at: new Date().toISOString(),
    });
    const [profile] = await next(from, 'profile');
    expect(profile?.sender).toMatchObject({ externalId: bob.id, displayName: 'Bobby' });
  });

  // Echoes of our own webhook's sends are the adapter contract's (echo suppression).
  it('the bot’s own messages are marked self; a foreign webhook is bridged under its name', async () => {
    const from = h.events.length;
    // Another integration's webhook in the channel, owned by another application.
    h.fake.state.webhooks.set('999999999999999999', {
      id: '999999999999999999',
      type: 1,
      channel_id: h.fake.channel.id,
      guild_id: h.fake.guild.id,
      name: 'GitHub',
      avatar: null,
      token: 'x',
      application_id: '111111111111111111',
      user: bob,
    });
    const hookUser = {
      id: '999999999999999999',
      username: 'GitHub',
      global_name: null,
      discriminator: '0000',
      avatar: null,
      bot: true,
    };
    const other = h.fake.say(h.fake.channel.id, hookUser, 'pushed 1 commit', {
      webhookId: hookUser.id,
    });
    const fromBot = h.fake.say(h.fake.channel.id, h.fake.state.bot, 'the bot itself');
    const messages = await next(from, 'message', 2);
    expect(messages.find((m) => m.externalId === fromBot.id)?.self).toBe(true);
    const fromHook = messages.find((m) => m.externalId === other.id);
    expect(fromHook?.self).toBeUndefined();
    expect(fromHook?.sender).toMatchObject({
      externalId: `${hookUser.id}/GitHub`,
      displayName: 'GitHub',
    });
  });

  it('a pin notice (type 6) is not emitted and is reported as a drop', async () => {
    const from = h.events.length;
    const dropsBefore = h.drops.length;
    const pinned = h.fake.say(h.fake.channel.id, bob, 'pin me');
    const notice = {
      ...(h.fake.state.messageObject(pinned) as Record<string, unknown>),
      id: String(BigInt(pinned.id) + 1_000_000n),
      type: 6,
      content: '',
      message_reference: { message_id: pinned.id, channel_id: h.fake.channel.id },
      guild_id: h.fake.guild.id,
    };
    h.fake.gateway.dispatch('MESSAGE_CREATE', notice);
    const after = h.fake.say(h.fake.channel.id, bob, 'after the pin');
    const messages = await next(from, 'message', 2);
    expect(messages.map((m) => m.externalId)).toEqual([pinned.id, after.id]);
    expect(h.drops.slice(dropsBefore)).toEqual([['other', 'unsupported', 'type 6']]);
  });
});
