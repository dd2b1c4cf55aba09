/**
 * The `/multichat link|unlink|links` slash command: registered per guild for everyone; channel
 * links are refused to members without Manage Channels and handed to the gateway's link
 * handler otherwise; `link` without a channel is account linking, for every member, answered
 * ephemerally (a code is a secret).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAccountControl } from '../support/account-control.js';
import { fakeLinkControl } from '../support/link-control.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';

const MANAGE_CHANNELS = 1n << 4n;
const SEND_MESSAGES = 1n << 11n;
let h: DiscordHarness;
const links = fakeLinkControl();
const accounts = fakeAccountControl();

beforeAll(async () => {
  h = await startDiscordHarness({ links, accounts });
});
afterAll(async () => {
  await h.stop();
});

async function reply(count: number): Promise<string> {
  await until(() => h.fake.state.interactionReplies.length >= count, `reply ${count}`);
  const body = h.fake.state.interactionReplies[count - 1] as {
    type: number;
    data: { content: string; flags: number };
  };
  expect(body.type).toBe(4);
  expect(body.data.flags & 64).toBe(64); // ephemeral: only the caller sees it
  return body.data.content;
}

describe('discord /multichat', () => {
  it('is registered in the guild for every member (account linking is for everyone)', async () => {
    await until(() => h.fake.state.commands.has(h.fake.guild.id), 'command registration');
    const [command] = h.fake.state.commands.get(h.fake.guild.id) ?? [];
    expect(command).toMatchObject({ name: 'multichat' });
    expect(command).not.toHaveProperty('default_member_permissions');
    const options = command?.['options'] as { name: string; options?: { name: string }[] }[];
    expect(options.map((o) => o.name)).toEqual(['link', 'unlink', 'links']);
    expect(options[0]?.options?.map((o) => o.name)).toEqual(['channel', 'code']);
  });

  it('refuses members without Manage Channels and manages this channel’s links through the injected link control', async () => {
    const eve = h.fake.addUser('eve');
    const mod = h.fake.addUser('mod');
    h.fake.command(h.fake.channel.id, eve, 'link', SEND_MESSAGES, 'general');
    expect(await reply(1)).toMatch(/Manage Channels/);
    expect(links.calls).toEqual([]);

    h.fake.command(h.fake.channel.id, mod, 'link', MANAGE_CHANNELS, 'general');
    expect(await reply(2)).toBe('Linked to the Multichat channel general (link l1).');
    expect(links.made).toEqual([
      { id: 'l1', channel: 'general', network: 'discord', target: { channel: h.fake.channel.id } },
    ]);
    h.fake.command(h.fake.channel.id, mod, 'links', MANAGE_CHANNELS);
    expect(await reply(3)).toBe('Linked to general (link l1).');
    h.fake.command(h.fake.channel.id, mod, 'unlink', MANAGE_CHANNELS);
    expect(await reply(4)).toBe('Removed general (link l1).');
    expect(links.made).toEqual([]);
    expect(links.calls).toEqual(['create general', 'list', 'list', 'remove l1']);
  });

  it('links accounts for any member: no option answers a code, code: redeems one', async () => {
    const ann = h.fake.addUser('ann');
    const before = h.fake.state.interactionReplies.length;
    h.fake.command(h.fake.channel.id, ann, 'link', SEND_MESSAGES);
    const issued = await reply(before + 1);
    expect(issued).toMatch(/^Your link code is CODE1-00000 \(works once, until 12:10 UTC\)/);
    expect(issued).toContain('!multichat link CODE1-00000');
    expect(accounts.calls).toEqual([`issue ${ann.id}`]);

    const ben = h.fake.addUser('ben');
    h.fake.command(h.fake.channel.id, ben, 'link', SEND_MESSAGES, { code: 'code1-00000' });
    expect(await reply(before + 2)).toMatch(/^Linked: this account now belongs to ann\./);
    expect(accounts.linked.get(ben.id)).toBe('ann');
    h.fake.command(h.fake.channel.id, ben, 'link', SEND_MESSAGES, { code: 'CODE1-00000' });
    expect(await reply(before + 3)).toBe('Not linked: That link code is not valid.');
    expect(links.calls.filter((c) => c.startsWith('create'))).toEqual(['create general']);
  });

  it('says linking is not enabled when the adapter was built without a link control', async () => {
    const bare = await startDiscordHarness();
    try {
      const mod = bare.fake.addUser('mod');
      bare.fake.command(bare.fake.channel.id, mod, 'links', MANAGE_CHANNELS);
      await until(() => bare.fake.state.interactionReplies.length >= 1, 'the reply');
      const body = bare.fake.state.interactionReplies[0] as { data: { content: string } };
      expect(body.data.content).toMatch(/not enabled/);
    } finally {
      await bare.stop();
    }
  });
});
