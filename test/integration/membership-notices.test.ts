/**
 * `membershipNotices` on Discord and Slack: off by default (the adapters then declare no
 * membership, so the router sends them no joins or leaves); on, a bridged person's join and
 * leave become one notice line by the bot/app, with the name escaped so it cannot ping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MembershipAction, TargetKey } from '../../src/bridges/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';

const stops: (DiscordHarness | SlackHarness)[] = [];
afterEach(async () => {
  for (const h of stops.splice(0)) await h.stop();
});

function action(kind: 'join' | 'leave', channel: string, name: string): MembershipAction {
  return {
    kind,
    target: { channel },
    targetKey: `x:${channel}` as TargetKey,
    idempotencyKey: `${kind}-${name}`,
    sender: { id: 'u1', name },
  };
}

describe('membership notices', () => {
  it('Discord: off by default; on, "*name* joined/left" by the bot without mentions', async () => {
    const off = await startDiscordHarness();
    stops.push(off);
    expect(off.adapter.capabilities.membership).toBe(false);

    const h = await startDiscordHarness({ config: { membershipNotices: true } });
    stops.push(h);
    expect(h.adapter.capabilities.membership).toBe(true);
    const channel = h.fake.channel.id;
    await h.adapter.membership(action('join', channel, 'al*ice'));
    await h.adapter.membership(action('leave', channel, '@everyone'));
    const posted = [...h.fake.state.messages.values()].filter((m) => m.channel_id === channel);
    expect(posted.map((m) => m.content)).toEqual(['*al\\*ice* joined', '*@everyone* left']);
    expect(posted.every((m) => m.author.id === h.fake.state.bot.id)).toBe(true);
    const bodies = h.fake.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    );
    expect(bodies.at(-1)?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it('Slack: off by default; on, "_name_ joined/left" by the app, escaped', async () => {
    const off = await startSlackHarness('socket');
    stops.push(off);
    expect(off.adapter.capabilities.membership).toBe(false);

    const h = await startSlackHarness('socket', { config: { membershipNotices: true } });
    stops.push(h);
    expect(h.adapter.capabilities.membership).toBe(true);
    const general = h.fake.addChannel('general');
    await h.adapter.resolveTarget({ channel: general.id });
    await h.adapter.membership(action('join', general.id, 'bob <!channel>'));
    await h.adapter.membership(action('leave', general.id, 'bob'));
    expect(h.fake.state.history(general.id).map((m) => m.text)).toEqual([
      '_bob &lt;!channel&gt;_ joined',
      '_bob_ left',
    ]);
  });
});
