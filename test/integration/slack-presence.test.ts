/**
 * Slack `presence_change` (delivered only where a workspace sends it: RTM or `presence_sub`;
 * the Events API has none) → presence events, with the real bolt app on the fake Slack. Both
 * documented shapes: one `user`, or a batch in `users`; the bot's own presence is left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../peers/slack-fake/index.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';
import { nextEvents } from '../support/inbound-events.js';

describe('slack presence_change', () => {
  let h: SlackHarness;
  let bob: FakeUser;
  let carol: FakeUser;

  beforeAll(async () => {
    h = await startSlackHarness('socket');
    bob = h.fake.addUser('bob');
    carol = h.fake.addUser('carol');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('active is online, away is away, per user of a batch; unknown states are skipped', async () => {
    const from = h.events.length;
    h.fake.emitEvent({ type: 'presence_change', user: bob.id, presence: 'away' });
    h.fake.emitEvent({ type: 'presence_change', user: bob.id, presence: 'sideways' });
    h.fake.emitEvent({ type: 'presence_change', users: [bob.id, carol.id], presence: 'active' });
    const got = await nextEvents(h.events, from, 'presence', 3);
    expect(got.map((p) => [p.sender.displayName, p.status])).toEqual([
      ['bob', 'away'],
      ['bob', 'online'],
      ['carol', 'online'],
    ]);
    expect(h.events.slice(from).map((e) => e.kind)).toEqual(['presence', 'presence', 'presence']);
  });
});
