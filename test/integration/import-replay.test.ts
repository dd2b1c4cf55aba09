/**
 * `multichat import slack-export … --replay-to discord` with the Discord fake: a small export is
 * imported and queued for the Discord link of `general`; once the gateway runs, the messages
 * reach Discord in the original order, each with its original date in front, with their
 * reactions (one bot reaction per emoji, as live reactions reach Discord). A re-run imports
 * and queues nothing, and the gateway then posts nothing more. A replay to the history's own
 * network, or to a network the channel is not linked to, is exit 2 with nothing imported.
 * `import discord --replay-to slack` queues that import's messages (not the Slack export's).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkName } from '../../src/bridges/types.js';
import type { ChannelId } from '../../src/core/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { createMappingStore } from '../../src/mapping/index.js';
import { bootDiscordRouter } from '../support/fake-router-world.js';
import { allMessages, cliIo, prepareImport } from '../support/import-cli.js';
import { writeSlackExport, type ExpectedMessage } from '../support/slack-export.js';
import { TestNetwork } from '../support/test-adapter.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';

const COUNT = 12;
/** Reactions (person × emoji) in the generated export's first COUNT messages. */
const reactionCount = () =>
  expected.reduce((n, m) => n + m.reactions.reduce((k, r) => k + r.users.length, 0), 0);
let dir: string;
let configPath: string;
let general: ChannelId;
let fake: DiscordFake;
let zip: string;
let expected: readonly ExpectedMessage[];

beforeAll(async () => {
  fake = await startDiscordFake(FAST_LIMITS);
  ({ dir, configPath, general } = await prepareImport('mc-import-replay-', {
    discord: { token: fake.token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, slashCommand: false },
  }));
  zip = join(dir, 'export.zip');
  const generated = await writeSlackExport(zip, {
    channels: ['general'],
    perChannel: COUNT,
    users: 3,
  });
  expected = generated.messages.get('general') ?? [];
}, 60_000);

afterAll(async () => {
  await fake?.stop();
  await rm(dir, { recursive: true, force: true });
});

const run = async (network: string) => {
  const io = cliIo();
  const args = ['import', 'slack-export', zip, '--config', configPath];
  const code = await main(
    [...args, '--channel-map', 'general=general', '--replay-to', network],
    io,
  );
  return { code, io };
};

/**
 * What the bot posted on Discord that starts with a date, in the order Discord took it, as a
 * Discord client shows it (the markdown escapes `\[` `\]` show as the brackets).
 */
const replayed = () =>
  [...fake.state.messages.values()]
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
    .map((m) => m.content.replace(/\\([[\]])/g, '$1'))
    .filter((text) => text.startsWith('['));

/** `text emoji…` of each Discord message the bot reacted to, in message order. */
const reacted = () =>
  [...fake.state.messages.values()]
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
    .map((m) => {
      const keys = [...(fake.state.reactions.get(m.id) ?? new Map<string, Set<string>>())]
        .filter(([, users]) => users.has(fake.state.bot.id))
        .map(([key]) => key);
      return keys.length > 0 ? `${m.content.replace(/\\([[\]])/g, '$1')} ${keys.join(' ')}` : '';
    })
    .filter(Boolean);

const dated = (m: ExpectedMessage) => {
  const at = new Date(m.at).toISOString();
  return `[${at.slice(0, 10)} ${at.slice(11, 16)}] ${m.text}`;
};

describe('multichat import --replay-to', () => {
  it('refuses a network the channel is not linked to, or the source itself', async () => {
    const unlinked = await run('discord');
    expect(unlinked.code).toBe(2);
    expect(unlinked.io.errors.join('\n')).toMatch(/is not linked to discord/);
    const itself = await run('slack');
    expect(itself.code).toBe(2);
    expect(itself.io.errors.join('\n')).toMatch(/comes from slack/);
    expect(await allMessages(dir, general)).toHaveLength(0);
  });

  it('posts the imported lines in order with their dates, once', { timeout: 60_000 }, async () => {
    const store = await createMappingStore({
      kind: 'sqlite',
      path: join(dir, 'data', 'mapping.db'),
    });
    await store.init();
    await store.links.create({
      channel: general,
      network: 'discord' as NetworkName,
      target: { channel: fake.channel.id },
    });
    await store.close();

    const first = await run('discord');
    expect(first.code, first.io.errors.join('\n')).toBe(0);
    expect(first.io.lines).toEqual([
      `imported ${COUNT}, skipped 0, failed 0`,
      `replay to discord: queued ${COUNT}, already replayed 0, reactions ${reactionCount()}`,
    ]);
    expect(replayed()).toEqual([]); // queued only: the gateway posts them

    const dataDir = join(dir, 'data');
    const gateway = await bootDiscordRouter(dataDir, fake, new TestNetwork('b-'), false);
    await until(() => replayed().length >= COUNT, 'replayed history → discord');
    await gateway.runtime.settle();
    expect(replayed()).toEqual(expected.map(dated));
    // Nothing else went out: imported history reaches a network only through the replay.
    expect(fake.state.messages.size).toBe(COUNT);
    // The reactions followed their messages: the bot's 👍 on each message that had one.
    await until(() => reacted().length === 2, 'replayed reactions → discord');
    expect(reacted()).toEqual(
      expected.filter((m) => m.reactions.length > 0).map((m) => `${dated(m)} 👍`),
    );
    await gateway.stop();

    const again = await run('discord');
    expect(again.code).toBe(0);
    expect(again.io.lines).toEqual([
      `imported 0, skipped ${COUNT}, failed 0`,
      `replay to discord: queued 0, already replayed ${COUNT}, reactions 0`,
    ]);
    const restarted = await bootDiscordRouter(dataDir, fake, new TestNetwork('b-'), false);
    await restarted.runtime.settle();
    expect(replayed()).toEqual(expected.map(dated));
    expect(fake.state.messages.size).toBe(COUNT);
    expect(reacted()).toHaveLength(2);
    await restarted.stop();
  });

  it('import discord --replay-to queues only that import’s history for the other link', async () => {
    const other = fake.addChannel('other');
    const ana = fake.addUser('ana');
    for (const text of ['one', 'two', 'three']) fake.say(other.id, ana, text);
    const store = await createMappingStore({
      kind: 'sqlite',
      path: join(dir, 'data', 'mapping.db'),
    });
    await store.init();
    await store.links.create({
      channel: general,
      network: 'slack' as NetworkName,
      target: { channel: 'C0000001' },
    });
    await store.close();
    const io = cliIo();
    const args = ['import', 'discord', '--channel', other.id, '--into', 'general'];
    const code = await main([...args, '--config', configPath, '--replay-to', 'slack'], io);
    expect(code, io.errors.join('\n')).toBe(0);
    // The Slack-export history of the channel is Slack's own: not replayed to Slack.
    expect(io.lines).toEqual([
      'imported 3, skipped 0, failed 0',
      'replay to slack: queued 3, already replayed 0, reactions 0',
    ]);
  });
});
