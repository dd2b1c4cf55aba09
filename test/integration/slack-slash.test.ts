/**
 * `/multichat link|unlink|links` over both receivers: acknowledged at once, answered
 * ephemerally through `response_url`, allowed to workspace admins and owners only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkControl, LinkInfo, LinkTarget } from '../../src/bridges/types.js';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  until,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';

describe.each<ReceiverMode>(['socket', 'http'])('slack /multichat over %s', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;
  let admin: FakeUser;
  let owner: FakeUser;
  let member: FakeUser;
  const calls: string[] = [];

  beforeAll(async () => {
    h = await startSlackHarness(mode);
    general = h.fake.addChannel('general');
    admin = h.fake.addUser('admin', { admin: true });
    owner = h.fake.addUser('owner', { owner: true });
    member = h.fake.addUser('member');
  });
  afterAll(async () => {
    await h.stop();
  });

  async function run(
    user: FakeUser,
    text: string,
  ): Promise<{ response_type?: string; text?: string }> {
    const id = h.fake.command(general, user, text);
    await until(() => (h.fake.responses.get(id)?.length ?? 0) > 0, `the answer to "${text}"`);
    return h.fake.responses.get(id)?.[0] as { response_type?: string; text?: string };
  }

  it('says so when the gateway has no link handler', async () => {
    h.adapter.setLinkCommands(undefined);
    const answer = await run(admin, 'links');
    expect(answer).toEqual({
      response_type: 'ephemeral',
      text: 'Link management is not enabled on this Multichat gateway.',
    });
  });

  it('admins and owners link, list and unlink the channel they are in', async () => {
    const seen: LinkTarget[] = [];
    h.adapter.setLinkCommands({
      link: async (target, channel) => {
        seen.push(target);
        calls.push(`link ${channel}`);
        return `linked to ${channel}`;
      },
      unlink: async (target) => {
        seen.push(target);
        calls.push('unlink');
        return 'unlinked';
      },
      links: async (target) => {
        seen.push(target);
        calls.push('links');
        return 'general ⇄ slack';
      },
    });
    expect((await run(admin, 'link #town-square')).text).toBe('linked to town-square');
    expect((await run(owner, 'links')).text).toBe('general ⇄ slack');
    expect((await run(admin, 'unlink')).text).toBe('unlinked');
    expect(calls).toEqual(['link town-square', 'links', 'unlink']);
    expect(seen).toEqual([
      { channel: general.id },
      { channel: general.id },
      { channel: general.id },
    ]);
    if (mode === 'socket') expect(h.fake.socket.unacked).toBe(0);
    else expect(h.fake.http?.answers.every((a) => a.status === 200)).toBe(true);
  });

  it('with the runtime’s link control attached, links are made for this Slack channel', async () => {
    const made: LinkInfo[] = [];
    const control: LinkControl = {
      list: async () => made,
      create: async (request) => {
        const link = {
          id: `l${made.length + 1}`,
          channel: 'c1',
          channelName: request.channel,
          network: request.network,
          target: request.target,
        };
        made.push(link);
        return link;
      },
      remove: async (linkId) => {
        made.splice(
          made.findIndex((l) => l.id === linkId),
          1,
        );
      },
    };
    h.adapter.attachLinks(control);
    expect((await run(admin, 'link lobby')).text).toBe(
      'Linked to the Multichat channel lobby (link l1).',
    );
    expect(made).toEqual([
      expect.objectContaining({ network: 'slack', target: { channel: general.id } }),
    ]);
    expect((await run(admin, 'unlink')).text).toBe('Removed lobby (link l1).');
    expect(made).toEqual([]);
  });

  it('refuses members who are not admins, and explains usage', async () => {
    const before = calls.length;
    expect((await run(member, 'link general')).text).toBe(
      'Only workspace admins and owners can manage Multichat links.',
    );
    expect(calls).toHaveLength(before);
    expect((await run(admin, 'frobnicate')).text).toContain('Usage: `/multichat link');
    expect((await run(admin, 'link')).text).toContain('Usage');
  });
});
