/**
 * Inbound mentions beyond the markup: Matrix `m.mentions` without a pill, and IRC nicks the
 * adapter found as plain words. Both become the message's mention ids; the IRC word also reads
 * `@name` in the Markdown text. And the choice of identity per person on a target.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseIdentities } from '../../../src/bridges/runtime/mentions-out.js';
import type { ExternalMessageId, ExternalUserId, LinkTarget } from '../../../src/bridges/types.js';
import type { UserId } from '../../../src/core/types.js';
import type { Identity, NetworkName } from '../../../src/mapping/types.js';
import { TestNetwork } from '../../support/test-adapter.js';
import { startHarness, type Harness } from './harness.js';
import { mentionAdapter, NETS, type Net } from './mention-adapters.js';

const MAIN: LinkTarget = { channel: 'main' };
let h: Harness;
let seq = 0;

async function speak(net: Net, id: string, text: string, mentions?: string[], name = id) {
  await h.adapter(net).inject({
    kind: 'message',
    target: MAIN,
    externalId: `in-${++seq}` as ExternalMessageId,
    sender: { externalId: id as ExternalUserId, displayName: name },
    text,
    ...(mentions && { mentions: mentions as ExternalUserId[] }),
  });
  await h.settle();
}

const userOf = async (net: Net, id: string) =>
  (await h.store.identities.get(net as NetworkName, id))?.userId as UserId;

beforeAll(async () => {
  const networks = new Map(NETS.map((n) => [n, new TestNetwork(`${n}-`)]));
  h = await startHarness(
    NETS.map((n) => ({ name: n, build: mentionAdapter(n, networks.get(n) as TestNetwork) })),
    { networks },
  );
  await speak('irc', 'ivan', 'hello');
  await speak('matrix', '@mia:hs', 'hello', undefined, 'Mia');
});

describe('inbound mentions the adapter reports', () => {
  it('an IRC nick written as a word is a mention of its person, shown as @name', async () => {
    await speak('irc', 'zoe', 'thanks ivan, see you', ['ivan']);
    const [message] = h.node.listMessages(h.general, { limit: 1 });
    expect(message?.text).toBe('thanks @ivan, see you');
    expect(message?.mentions).toEqual([await userOf('irc', 'ivan')]);
  });

  it('m.mentions without a pill lists the person; unknown ids are left out', async () => {
    await speak('matrix', '@max:hs', 'hey everyone', ['@mia:hs', '@nobody:hs']);
    const [message] = h.node.listMessages(h.general, { limit: 1 });
    expect(message?.text).toBe('hey everyone');
    expect(message?.mentions).toEqual([await userOf('matrix', '@mia:hs')]);
  });
});

describe('a name with a space', () => {
  it('is one mention across networks, never cut at the space', async () => {
    await speak('discord', '321', 'hello', undefined, 'Ada Lovelace');
    const ada = await userOf('discord', '321');
    await speak('discord', '7', '<@321> look');
    const [message] = h.node.listMessages(h.general, { limit: 1 });
    expect(message?.text).toBe('@Ada Lovelace look');
    expect(message?.mentions).toEqual([ada]);
    const last = (net: Net) => h.networks.get(net)?.posts.at(-1)?.text;
    expect(last('slack')).toBe('*Ada Lovelace* look');
    expect(last('irc')).toBe('@Ada Lovelace[m] look');
  });
});

describe('a puppet nick someone else now uses', () => {
  it("becomes that person's own identity, and mentions of it are of them", async () => {
    const mia = await userOf('matrix', '@mia:hs');
    expect(await h.store.identities.get('irc' as NetworkName, 'Mia[m]')).toMatchObject({
      userId: mia,
      kind: 'puppet',
    });
    // The puppet left; a real IRC person took the nick and speaks.
    await speak('irc', 'Mia[m]', 'it is me now');
    const taker = await h.store.identities.get('irc' as NetworkName, 'Mia[m]');
    expect(taker?.kind).toBe('native');
    expect(taker?.userId).not.toBe(mia);
    await speak('irc', 'ivan', 'Mia[m]: hi');
    const [message] = h.node.listMessages(h.general, { limit: 1 });
    expect(message?.mentions).toEqual([taker?.userId]);
  });
});

describe('chooseIdentities', () => {
  const id = (userId: string, externalId: string, kind: Identity['kind'], updatedAt: number) =>
    ({ network: 'irc', externalId, userId, kind, updatedAt, createdAt: 0 }) as unknown as Identity;

  it('prefers the native identity, else the newest ghost or puppet', () => {
    const chosen = chooseIdentities([
      id('u1', 'Ada[m]', 'puppet', 5),
      id('u1', 'ada', 'native', 1),
      id('u2', 'Bo[m]', 'puppet', 1),
      id('u2', 'Bo[m]_', 'puppet', 9),
    ]);
    expect(chosen).toEqual(
      new Map([
        ['u1', 'ada'],
        ['u2', 'Bo[m]_'],
      ]),
    );
  });
});
