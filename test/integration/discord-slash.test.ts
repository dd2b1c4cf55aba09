/**
 * The `/multichat link|unlink|links` slash command: registered per guild for Manage Channels,
 * refused to members without it, and handed to the gateway's link handler otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkTarget } from '../../src/bridges/types.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';

const MANAGE_CHANNELS = 1n << 4n;
const SEND_MESSAGES = 1n << 11n;
let h: DiscordHarness;

beforeAll(async () => {
  h = await startDiscordHarness();
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

  it('refuses members without Manage Channels, says when linking is not wired, and runs the handler', async () => {
    const eve = h.fake.addUser('eve');
    const mod = h.fake.addUser('mod');
    h.fake.command(h.fake.channel.id, eve, 'link', SEND_MESSAGES, 'general');
    expect(await reply(1)).toMatch(/Manage Channels/);

    h.fake.command(h.fake.channel.id, mod, 'links', MANAGE_CHANNELS);
    expect(await reply(2)).toMatch(/not enabled/);

    const calls: [string, LinkTarget, string?][] = [];
    h.adapter.setLinkCommands({
      link: async (target, channel) => {
        calls.push(['link', target, channel]);
        return `linked to ${channel}`;
      },
      unlink: async (target) => {
        calls.push(['unlink', target]);
        return 'unlinked';
      },
      links: async (target) => {
        calls.push(['links', target]);
        return 'general';
      },
    });
    h.fake.command(h.fake.channel.id, mod, 'link', MANAGE_CHANNELS, 'general');
    expect(await reply(3)).toBe('linked to general');
    h.fake.command(h.fake.channel.id, mod, 'unlink', MANAGE_CHANNELS);
    expect(await reply(4)).toBe('unlinked');
    expect(calls).toEqual([
      ['link', { channel: h.fake.channel.id }, 'general'],
      ['unlink', { channel: h.fake.channel.id }],
    ]);
  });
});
