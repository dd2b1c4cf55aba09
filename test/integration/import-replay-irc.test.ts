/**
 * `multichat import slack-export … --replay-to irc` against a real ngircd: the imported lines
 * reach the IRC channel through the bot (relay mode), trickling at the flood limit rather than
 * all at once, in the original order, each with its original UTC date in the text, and each
 * replayed reaction as an emote line after its message. A re-run queues nothing, and a restarted
 * gateway posts nothing more (a native message sent after it is the next line on IRC).
 * Without ngircd the suite is skipped, except in CI, where that is a failure.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter as createIrcAdapter } from '../../src/bridges/irc/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { ChannelId } from '../../src/core/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { createMappingStore } from '../../src/mapping/index.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { bootRouter, type RouterProcess } from '../support/fake-router-world.js';
import { allMessages, cliIo, prepareImport } from '../support/import-cli.js';
import { RawIrcClient, type SeenMessage } from '../support/irc-client.js';
import { writeSlackExport, type ExpectedMessage } from '../support/slack-export.js';
import { TestNetwork } from '../support/test-adapter.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true') {
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
}

const COUNT = 10;
const CHANNEL = '#replay';
/** CTCP's delimiter: an emote is `\x01ACTION text\x01`. */
const CTCP = String.fromCharCode(1);
let peer: NgircdPeer;
let watcher: RawIrcClient;
let dir: string;
let configPath: string;
let general: ChannelId;
let zip: string;
let expected: readonly ExpectedMessage[];

const ircSection = () => ({
  networks: {
    test: {
      host: '127.0.0.1',
      port: peer.port,
      tls: false,
      nick: 'mcreplay',
      // Two lines at once, then one per 150 ms: twelve-odd lines take well over a second.
      flood: { burst: 2, delayMs: 150 },
      reconnect: { minMs: 300, maxMs: 1000 },
    },
  },
});

beforeAll(async () => {
  if (!installed) return;
  peer = await startNgircd();
  ({ dir, configPath, general } = await prepareImport('mc-import-replay-irc-', {
    irc: ircSection(),
  }));
  zip = join(dir, 'export.zip');
  const generated = await writeSlackExport(zip, {
    channels: ['general'],
    perChannel: COUNT,
    users: 3,
  });
  expected = generated.messages.get('general') ?? [];
  const store = await createMappingStore({ kind: 'sqlite', path: join(dir, 'data', 'mapping.db') });
  await store.init();
  await store.links.create({
    channel: general,
    network: 'irc' as NetworkName,
    target: { network: 'test', channel: CHANNEL },
  });
  await store.close();
  watcher = await RawIrcClient.connect(peer.port, 'watcher');
  await watcher.join(CHANNEL);
}, 60_000);

afterAll(async () => {
  await watcher?.quit().catch(() => undefined);
  await peer?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const replay = async () => {
  const io = cliIo();
  const args = ['import', 'slack-export', zip, '--config', configPath];
  const code = await main([...args, '--channel-map', 'general=general', '--replay-to', 'irc'], io);
  expect(code, io.errors.join('\n')).toBe(0);
  return io.lines;
};

const boot = (): Promise<RouterProcess> =>
  bootRouter({
    dataDir: join(dir, 'data'),
    netB: new TestNetwork('b-'),
    pollIntervalMs: 20,
    owner: 'owner',
    adapter: createIrcAdapter(ircSection(), 'irc' as NetworkName),
  });

/** What the bot said in the channel, without the relay's `<nick> ` (emotes as `* text`). */
const said = (): string[] =>
  watcher
    .messagesIn(CHANNEL)
    .filter((m: SeenMessage) => m.nick === 'mcreplay')
    .map((m) => {
      const emote = m.text.startsWith(`${CTCP}ACTION `) && m.text.endsWith(CTCP);
      return emote ? `* ${m.text.slice(8, -1)}` : m.text.replace(/^<[^>]*> /, '');
    });

const dated = (m: ExpectedMessage) => {
  const at = new Date(m.at).toISOString();
  return `[${at.slice(0, 10)} ${at.slice(11, 16)}] ${m.text}`;
};

/** Without the zero-width space the relay puts in nicks (so their owners are not pinged). */
const unhighlighted = (line: string) => line.replaceAll('\u200b', '');

/** A thread reply reads on IRC as a reply does: addressed to its root's author, then dated. */
const onIrc = (m: ExpectedMessage) => {
  const root = m.threadTs === undefined ? undefined : expected.find((e) => e.ts === m.threadTs);
  return root ? `${root.userName}: ${dated(m)}` : dated(m);
};

const reactionCount = () =>
  expected.reduce((n, m) => n + m.reactions.reduce((k, r) => k + r.users.length, 0), 0);

describe.skipIf(!installed)('multichat import --replay-to irc (ngircd)', () => {
  it('posts the history in order, dated, rate-limited, once', { timeout: 90_000 }, async () => {
    expect(await replay()).toEqual([
      `imported ${COUNT}, skipped 0, failed 0`,
      `replay to irc: queued ${COUNT}, already replayed 0, reactions ${reactionCount()}`,
    ]);
    expect(await allMessages(dir, general)).toHaveLength(COUNT);
    const total = COUNT + reactionCount();

    const first = await boot();
    // Rate-limited: when the first lines are in, the rest are still waiting at the flood limit.
    const early = await watcher.waitUntil(
      () => (said().length > 0 ? said().length : undefined),
      30_000,
      'the first replayed line',
    );
    expect(early).toBeLessThan(total);
    await watcher.waitUntil(
      () => (said().length >= total ? true : undefined),
      60_000,
      `${total} lines`,
    );
    await first.runtime.settle();
    const lines = said();
    const messages = lines.filter((l) => !l.startsWith('* '));
    expect(messages).toEqual(expected.map(onIrc));
    expect(expected.some((m) => m.threadTs !== undefined)).toBe(true);
    // Each reaction is an emote line by its person right after its message, one per person.
    const names = new Map(expected.map((m) => [m.user, m.userName]));
    for (const m of expected.filter((e) => e.reactions.length > 0)) {
      const reactors = m.reactions.flatMap((r) => r.users.map((u) => names.get(u)));
      const at = lines.indexOf(onIrc(m));
      // In the core's order of reactors (a reaction is a set: the export's order is not kept).
      const after = lines.slice(at + 1, at + 1 + reactors.length).map(unhighlighted);
      expect(after.sort(), m.text).toEqual(
        reactors.map((who) => `* ${who} reacted 👍 to ${m.userName}: "${dated(m)}"`).sort(),
      );
    }
    expect(lines).toHaveLength(total);
    await first.stop();

    // A re-run imports and queues nothing; the restarted gateway posts nothing more: the next
    // line on IRC is a native message sent after it.
    expect(await replay()).toEqual([
      `imported 0, skipped ${COUNT}, failed 0`,
      `replay to irc: queued 0, already replayed ${COUNT}, reactions 0`,
    ]);
    const second = await boot();
    await second.node.submit(second.owner.id, {
      kind: 'sendMessage',
      channel: general,
      text: 'live after the re-run',
    });
    await watcher.waitUntil(
      () => (said().length > total ? true : undefined),
      30_000,
      'the live line',
    );
    await second.runtime.settle();
    expect(said().slice(total)).toEqual(['live after the re-run']);
    await second.stop();
  });
});
