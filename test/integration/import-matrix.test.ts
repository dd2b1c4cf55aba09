/**
 * `multichat import matrix` against a real Synapse room, read by the bridge bot with the
 * registration's token (no appservice listener): 30 messages and an edit are imported in order,
 * with the edit's final text, their authors' names and original times, origin.imported; a re-run
 * imports nothing; a room the bot is not in is exit 1.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelId } from '../../src/core/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { allMessages, cliIo, prepareImport } from '../support/import-cli.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

let dir: string;
let configPath: string;
let world: MatrixWorld;
let general: ChannelId;

describe.skipIf(!synapseAvailable())('multichat import matrix', () => {
  beforeAll(async () => {
    world = await startMatrixWorld();
    ({ dir, configPath, general } = await prepareImport('mc-import-matrix-', {
      matrix: {
        homeserverUrl: world.synapse.url,
        domain: world.config.domain,
        registration: world.config.registration,
        listen: world.config.listen,
        userPrefix: world.config.userPrefix,
      },
    }));
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'imports a room in order with final texts; a re-run adds nothing',
    { timeout: 120_000 },
    async () => {
      const alice = await MatrixTestClient.register(world.synapse.url, 'alice');
      const room = await alice.createRoom({ name: 'history', preset: 'public_chat' });
      // The bridge bot joins (an appservice may join a public room as its bot).
      const bot = `@${world.config.senderLocalpart}:${world.config.domain}`;
      const joined = await fetch(
        `${world.synapse.url}/_matrix/client/v3/join/${encodeURIComponent(room)}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${world.registration.as_token}`,
            'content-type': 'application/json',
          },
          body: '{}',
        },
      );
      expect(joined.ok, `${bot} joins`).toBe(true);
      const texts = Array.from({ length: 30 }, (_, i) => `history ${i + 1}`);
      const ids: string[] = [];
      for (const text of texts) ids.push(await alice.sendText(room, text));
      await alice.send(room, {
        msgtype: 'm.text',
        body: '* history 7 (edited)',
        'm.new_content': { msgtype: 'm.text', body: 'history 7 (edited)' },
        'm.relates_to': { rel_type: 'm.replace', event_id: ids[6] },
      });

      const first = cliIo();
      const args = [
        'import',
        'matrix',
        '--room',
        room,
        '--into',
        'general',
        '--config',
        configPath,
      ];
      expect(await main(args, first), first.errors.join('\n')).toBe(0);
      expect(first.lines).toEqual(['imported 30, skipped 0, failed 0']);
      const got = await allMessages(dir, general);
      const expected = texts.map((t) => (t === 'history 7' ? 'history 7 (edited)' : t));
      expect(got.map((m) => m.text)).toEqual(expected);
      expect(got.every((m) => m.origin?.network === 'matrix' && m.origin.imported)).toBe(true);
      expect(new Set(got.map((m) => m.sender.id)).size).toBe(1);
      const times = got.map((m) => Date.parse(m.createdAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      const again = cliIo();
      expect(await main(args, again)).toBe(0);
      expect(again.lines).toEqual(['imported 0, skipped 0, failed 0']);
      expect((await allMessages(dir, general)).length).toBe(30);
    },
  );

  it('a room the bot is not in is exit 1 naming the room', async () => {
    const bob = await MatrixTestClient.register(world.synapse.url, 'bob');
    const secret = await bob.createRoom({ name: 'secret', preset: 'private_chat' });
    const denied = cliIo();
    const code = await main(
      ['import', 'matrix', '--room', secret, '--into', 'general', '--config', configPath],
      denied,
    );
    expect(code, denied.errors.join('\n')).toBe(1);
    expect(denied.errors.join('\n')).toContain(secret);
  });
});
