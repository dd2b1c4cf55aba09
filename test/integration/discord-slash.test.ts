/**
 * The `/multichat link|unlink|links` slash command: registered per guild for Manage Channels,
 * refused to members without it, and handed to the gateway's link handler otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLinkControl } from '../support/link-control.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';

const MANAGE_CHANNELS = 1n << 4n;
const SEND_MESSAGES = 1n << 11n;
let h: DiscordHarness;
const links = fakeLinkControl();

beforeAll(async () => {
  h = await startDiscordHarness({ links });
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
  it('is registered in the guild for members with Manage Channels', async () => {
    await until(() => h.fake.state.commands.has(h.fake.guild.id), 'command registration');
    const [command] = h.fake.state.commands.get(h.fake.guild.id) ?? [];
    expect(command).toMatchObject({
      name: 'multichat',
      default_member_permissions: MANAGE_CHANNELS.toString(),
    });
    expect((command?.['options'] as { name: string }[]).map((o) => o.name)).toEqual([
      'link',
      'unlink',
      'links',
    ]);
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
