/**
 * `multichat import discord` against the Discord fake: 1,000 messages read 100 per page through
 * the REST API with a 429 in the middle; the first run is killed (SIGKILL) after its first batch
 * and a re-run resumes from the stored cursor: every message exactly once, in order, with its
 * author, original time and origin.imported. A channel the bot may not read is exit 1 with the
 * permissions named; a channel that does not exist is exit 2.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelId } from '../../src/core/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { allMessages, cliIo, prepareImport } from '../support/import-cli.js';
import {
  startDiscordFake,
  type DiscordFake,
  type FakeMessage,
} from '../peers/discord-fake/index.js';
import { ROOT } from '../peers/source-node.mjs';

const COUNT = 1_000;
let dir: string;
let configPath: string;
let fake: DiscordFake;
let general: ChannelId;
let posted: FakeMessage[];

beforeAll(async () => {
  // One page every 200 ms at most: the first run is still reading when it is killed.
  fake = await startDiscordFake({ limitFor: () => ({ limit: 1, windowMs: 200 }) });
  const users = ['ana', 'ben', 'cy'].map((n) => fake.addUser(n));
  posted = Array.from({ length: COUNT }, (_, i) =>
    fake.say(fake.channel.id, users[i % 3]!, `message ${i + 1}`),
  );
  ({ dir, configPath, general } = await prepareImport('mc-import-discord-', {
    discord: { token: fake.token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, slashCommand: false },
  }));
}, 60_000);

afterAll(async () => {
  await fake?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('multichat import discord', () => {
  it(
    'imports 1,000 messages across a 429 and a kill -9, each exactly once, in order',
    { timeout: 180_000 },
    async () => {
      let pages = 0;
      fake.storm({
        count: 1,
        retryAfterMs: 300,
        match: (method, path) =>
          method === 'GET' &&
          path.endsWith(`/channels/${fake.channel.id}/messages`) &&
          ++pages === 4,
      });
      const args = ['import', 'discord', '--channel', fake.channel.id, '--into', 'general'];
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin/multichat.mjs'), ...args, '--config', configPath],
        { cwd: ROOT, env: { ...process.env, MULTICHAT_FROM_SOURCE: '1' }, stdio: 'pipe' },
      );
      let stderr = '';
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? code)),
      );
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/importing: \d+ messages/.test(stderr)) child.kill('SIGKILL');
      });
      expect(await exited, stderr).toBe('SIGKILL');
      const partial = (await allMessages(dir, general)).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(COUNT);

      const resumed = cliIo();
      expect(await main([...args, '--config', configPath], resumed)).toBe(0);
      expect(resumed.errors.join('\n')).toContain('resuming');
      const [summary] = resumed.lines;
      expect(summary).toMatch(/^imported \d+, skipped \d+, failed 0$/);
      expect(Number(/imported (\d+)/.exec(summary ?? '')?.[1])).toBe(COUNT - partial);
      expect(fake.rateLimits.stats.stormed).toBe(1);

      const got = await allMessages(dir, general);
      expect(got.map((m) => m.text)).toEqual(posted.map((m) => m.content));
      expect(got.map((m) => m.sender.username)).toEqual(posted.map((m) => m.author.username));
      expect(got.map((m) => m.createdAt)).toEqual(
        posted.map((m) => new Date(m.timestamp).toISOString()),
      );
      expect(got.every((m) => m.origin?.network === 'discord' && m.origin.imported)).toBe(true);

      const again = cliIo();
      expect(await main([...args, '--config', configPath], again)).toBe(0);
      expect(again.lines).toEqual(['imported 0, skipped 0, failed 0']);
      expect((await allMessages(dir, general)).length).toBe(COUNT);
    },
  );

  it('a channel the bot may not read is exit 1 naming the permissions; an unknown one exit 2', async () => {
    const hidden = fake.addChannel('hidden');
    fake.state.historyDenied.add(hidden.id);
    const denied = cliIo();
    const code = await main(
      ['import', 'discord', '--channel', hidden.id, '--into', 'general', '--config', configPath],
      denied,
    );
    expect(code).toBe(1);
    expect(denied.errors.join('\n')).toContain('Read Message History');
    const unknown = cliIo();
    expect(
      await main(
        [
          'import',
          'discord',
          '--channel',
          '123456789012345678',
          '--into',
          'general',
          '--config',
          configPath,
        ],
        unknown,
      ),
    ).toBe(2);
    expect(unknown.errors.join('\n')).toContain('does not exist');
  });
});
