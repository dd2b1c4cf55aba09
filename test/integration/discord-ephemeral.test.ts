/**
 * Discord typing and presence with the real discord.js client on the fake Discord: TYPING_START
 * and PRESENCE_UPDATE (the gateway docs' shapes) → `typing` and `presence` events; a bridged
 * person typing shows the bot typing (Discord's only typing API), at most once per 8 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, SenderDisplay, TypingUpdate } from '../../src/bridges/types.js';
import { targetKeyOf } from '../../src/mapping/index.js';
import type { NetworkName } from '../../src/mapping/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import type { FakeUser } from '../peers/discord-fake/index.js';
import { nextEvents } from '../support/inbound-events.js';

let h: DiscordHarness;
let bob: FakeUser;

beforeAll(async () => {
  h = await startDiscordHarness({ config: { presenceEvents: true } });
  bob = h.fake.addUser('bob');
});
afterAll(async () => {
  await h.stop();
});

const next = <K extends InboundEvent['kind']>(from: number, kind: K, count = 1) =>
  nextEvents(h.events, from, kind, count);

const nina: SenderDisplay = { id: 'u-nina', name: 'nina' };
const update = (channel: string, active: boolean): TypingUpdate => ({
  target: { channel },
  targetKey: targetKeyOf('discord' as NetworkName, { channel }),
  sender: nina,
  active,
});

describe('discord typing and presence', () => {
  it('identifies with the typing and (when configured) presence intents', () => {
    const intents = h.fake.gateway.stats.lastIntents;
    expect(intents & (1 << 11)).not.toBe(0); // GUILD_MESSAGE_TYPING
    expect(intents & (1 << 8)).not.toBe(0); // GUILD_PRESENCES
  });

  it('TYPING_START → typing, active, as the member; the bot typing is marked self', async () => {
    const from = h.events.length;
    h.fake.typing(h.fake.channel.id, bob);
    h.fake.typing(h.fake.channel.id, h.fake.state.bot as FakeUser);
    const [typing, own] = await next(from, 'typing', 2);
    expect(typing).toMatchObject({
      target: { channel: h.fake.channel.id },
      sender: { externalId: bob.id, displayName: 'bob' },
      active: true,
    });
    expect(typing?.self).toBeUndefined();
    expect(own?.self).toBe(true);
  });

  it('PRESENCE_UPDATE → presence (idle is away, custom status is the text), repeats once', async () => {
    // The message caches bob's user (PRESENCE_UPDATE carries only the id).
    h.fake.say(h.fake.channel.id, bob, 'here');
    await next(h.events.length, 'message');
    const from = h.events.length;
    h.fake.presence(bob, 'idle', 'out for lunch');
    h.fake.presence(bob, 'idle', 'out for lunch'); // the same again (another guild, activity)
    h.fake.presence(bob, 'dnd');
    h.fake.presence(bob, 'offline');
    const got = await next(from, 'presence', 3);
    expect(got.map((p) => [p.sender.externalId, p.status, p.text])).toEqual([
      [bob.id, 'away', 'out for lunch'],
      [bob.id, 'away', 'do not disturb'],
      [bob.id, 'offline', undefined],
    ]);
    expect(h.events.slice(from).filter((e) => e.kind === 'presence')).toHaveLength(3);
  });

  it('a bridged person typing shows the bot typing, once per 8 s; a stop sends nothing', async () => {
    const other = h.fake.addChannel('other');
    const from = h.fake.requests.length;
    await h.adapter.setTyping(update(h.fake.channel.id, true));
    await h.adapter.setTyping(update(h.fake.channel.id, true));
    await h.adapter.setTyping(update(h.fake.channel.id, false));
    await h.adapter.setTyping(update(other.id, true));
    const typing = h.fake.requests
      .slice(from)
      .filter((r) => r.template === '/channels/:id/typing')
      .map((r) => [r.method, r.path.split('/').at(-2), r.status]);
    expect(typing).toEqual([
      ['POST', h.fake.channel.id, 204],
      ['POST', other.id, 204],
    ]);
    expect(h.adapter.capabilities.typing).toBe(true);
  });
});
