/**
 * `/multichat link|unlink|links` over both receivers: acknowledged at once, answered
 * ephemerally through `response_url`, allowed to workspace admins and owners only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  until,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';
import { fakeAccountControl } from '../support/account-control.js';
import { fakeLinkControl } from '../support/link-control.js';

describe.each<ReceiverMode>(['socket', 'http'])('slack /multichat over %s', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;
  let admin: FakeUser;
  let owner: FakeUser;
  let member: FakeUser;
  const links = fakeLinkControl();
  const accounts = fakeAccountControl();

  beforeAll(async () => {
    h = await startSlackHarness(mode, { links, accounts });
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

  it('says so when the adapter was built without a link control', async () => {
    const bare = await startSlackHarness(mode);
    try {
      const channel = bare.fake.addChannel('general');
      const boss = bare.fake.addUser('admin', { admin: true });
      const id = bare.fake.command(channel, boss, 'links');
      await until(() => (bare.fake.responses.get(id)?.length ?? 0) > 0, 'the answer');
      expect(bare.fake.responses.get(id)?.[0]).toEqual({
        response_type: 'ephemeral',
        text: 'Link management is not enabled on this Multichat gateway.',
      });
    } finally {
      await bare.stop();
    }
  });

  it('admins and owners link, list and unlink the channel they are in, through the injected link control', async () => {
    expect((await run(admin, 'link #town-square')).text).toBe(
      'Linked to the Multichat channel town-square (link l1).',
    );
    expect(links.made).toEqual([
      { id: 'l1', channel: 'town-square', network: 'slack', target: { channel: general.id } },
    ]);
    expect((await run(owner, 'links')).text).toBe('Linked to town-square (link l1).');
    expect((await run(admin, 'unlink')).text).toBe('Removed town-square (link l1).');
    expect(links.made).toEqual([]);
    expect(links.calls).toEqual(['create town-square', 'list', 'list', 'remove l1']);
    if (mode === 'socket') expect(h.fake.socket.unacked).toBe(0);
    else expect(h.fake.http?.answers.every((a) => a.status === 200)).toBe(true);
  });

  it('refuses members who are not admins, and explains usage', async () => {
    const before = links.calls.length;
    expect((await run(member, 'link general')).text).toBe(
      'Only workspace admins and owners can manage Multichat links.',
    );
    expect(links.calls).toHaveLength(before);
    expect((await run(admin, 'frobnicate')).text).toContain('Usage: `/multichat link');
  });

  it('links accounts for everyone: `link` answers a code, `link CODE` redeems it', async () => {
    const issued = (await run(member, 'link')).text ?? '';
    expect(issued).toMatch(/^Your link code is CODE1-00000 \(works once, until 12:10 UTC\)/);
    expect(accounts.calls).toEqual([`issue ${member.id}`]);
    expect((await run(admin, 'link code1-00000')).text).toBe(
      'Linked: this account now belongs to member. Your messages here and there have one author.',
    );
    expect(accounts.linked.get(admin.id)).toBe('member');
    expect((await run(owner, 'link CODE1-00000')).text).toBe(
      'Not linked: That link code is not valid.',
    );
    expect(links.calls.filter((c) => c.startsWith('create'))).toEqual(['create town-square']);
  });
});
