/**
 * Two people of one display name, "Alex", one on Discord and one on Slack: whatever way either
 * is mentioned, the other is never mentioned in their place, on any network. Mentions travel as
 * profile ids; a `@Alex` without ids (a native message from before 0.4) is nobody's, since the
 * name is not unique.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExternalMessageId, ExternalUserId, LinkTarget } from '../../../src/bridges/types.js';
import type { UserId } from '../../../src/core/types.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { targetKeyOf } from '../../../src/mapping/target-key.js';
import { TestNetwork } from '../../support/test-adapter.js';
import { startHarness, type Harness } from './harness.js';
import { ghostOf, mentionAdapter, NETS, type Net } from './mention-adapters.js';

const MAIN: LinkTarget = { channel: 'main' };
let h: Harness;
let seq = 0;
let discordAlex: UserId;
let slackAlex: UserId;
/** The IRC puppet nicks of the two, as recorded by the gateway. */
const puppet: Record<'discord' | 'slack', string> = { discord: '', slack: '' };

async function speak(net: Net, id: string, name: string, text: string): Promise<void> {
  await h.adapter(net).inject({
    kind: 'message',
    target: MAIN,
    externalId: `in-${++seq}` as ExternalMessageId,
    sender: { externalId: id as ExternalUserId, displayName: name },
    text,
  });
  await h.settle();
}

function last(net: Net): string {
  const posts = h.networks.get(net)?.at(targetKeyOf(net as NetworkName, MAIN)) ?? [];
  return posts[posts.length - 1]?.text ?? '';
}

async function puppetNick(user: UserId): Promise<string> {
  const [p] = await h.store.identities.listByUser(user, 'irc' as NetworkName);
  return p?.kind === 'puppet' ? p.externalId : '';
}

beforeAll(async () => {
  const networks = new Map(NETS.map((n) => [n, new TestNetwork(`${n}-`)]));
  h = await startHarness(
    NETS.map((n) => ({ name: n, build: mentionAdapter(n, networks.get(n) as TestNetwork) })),
    { networks },
  );
  await speak('discord', '501', 'Alex', 'hi from discord');
  await speak('slack', 'U501', 'Alex', 'hi from slack');
  discordAlex = (await h.store.identities.get('discord' as NetworkName, '501'))?.userId as UserId;
  slackAlex = (await h.store.identities.get('slack' as NetworkName, 'U501'))?.userId as UserId;
  puppet.discord = await puppetNick(discordAlex);
  puppet.slack = await puppetNick(slackAlex);
});

describe('two people named Alex on two networks', () => {
  it('are two profiles with two different puppets and ghosts', () => {
    expect(discordAlex).toBeDefined();
    expect(slackAlex).not.toBe(discordAlex);
    expect(puppet.discord).not.toBe('');
    expect(puppet.slack).not.toBe('');
    expect(puppet.slack).not.toBe(puppet.discord);
  });

  it('a Discord mention of Discord-Alex reaches every network as Discord-Alex only', async () => {
    await speak('discord', '7', 'Dee', '<@501> ping');
    expect(last('slack')).toBe('*Alex* ping');
    expect(last('matrix')).toBe(
      `<a href="https://matrix.to/#/${ghostOf(discordAlex)}">Alex</a> ping`,
    );
    expect(last('irc')).toBe(`@${puppet.discord} ping`);
  });

  it('a Slack mention of Slack-Alex reaches Discord as the bold name, never <@501>', async () => {
    await speak('slack', 'U7', 'Sue', '<@U501> ping');
    expect(last('discord')).toBe('**Alex** ping');
    expect(last('matrix')).toContain(ghostOf(slackAlex));
    expect(last('matrix')).not.toContain(ghostOf(discordAlex));
    expect(last('irc')).toBe(`@${puppet.slack} ping`);
  });

  it('a Matrix pill of one ghost and an IRC nick of one puppet stay with their person', async () => {
    await speak(
      'matrix',
      '@mo:hs',
      'Mo',
      `<a href="https://matrix.to/#/${ghostOf(slackAlex)}">Alex</a> ping`,
    );
    expect(last('slack')).toBe('<@U501> ping');
    expect(last('discord')).toBe('**Alex** ping');
    await speak('irc', 'ivan', 'ivan', `${puppet.discord}: ping`);
    expect(last('discord')).toBe('<@501>: ping');
    expect(last('slack')).toBe('*Alex*: ping');
  });

  it('a native message naming both by id mentions each in its place', async () => {
    await h.node.submit(h.alice.id, {
      kind: 'sendMessage',
      channel: h.general,
      text: '@Alex and @Alex',
      mentions: [slackAlex, discordAlex],
    });
    await h.settle();
    expect(last('slack')).toBe('<@U501> and *Alex*');
    expect(last('discord')).toBe('**Alex** and <@501>');
  });

  it('a native message without ids: a name two people have mentions neither', async () => {
    await h.say('@Alex are you there');
    expect(last('discord')).not.toContain('<@');
    expect(last('discord')).toContain('Alex are you there');
    expect(last('slack')).not.toContain('<@');
    expect(last('matrix')).not.toContain('matrix.to');
    expect(last('irc')).toBe('@Alex are you there');
    // A name only one person has is still theirs (the behaviour before mention ids).
    await h.say('@Dee are you there');
    expect(last('discord')).toBe('<@7> are you there');
  });
});
