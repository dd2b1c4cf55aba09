/**
 * Two real nodes over P2P on loopback: history imported on one (a generated Slack export through
 * the runtime import API) is caught up by the other, which reads it in the same order, with the
 * same original times and the imported mark.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContext, importHistory } from '../../../src/bridges/runtime/import.js';
import { SlackExport, exportFiles } from '../../../src/bridges/slack/export/index.js';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { createMappingStore } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { quietLogger } from '../../support/quiet-logger.js';
import { writeSlackExport } from '../../support/slack-export.js';
import { waitFor } from './harness.js';
import { startRealNode } from './real-nodes.js';

function history(node: MultichatNode, channel: ChannelId) {
  return node
    .listMessages(channel, { limit: 500 })
    .map((m) => [m.text, m.createdAt, m.sender.username, m.origin?.imported ?? false].join('|'));
}

describe('imported history over P2P', () => {
  it('a second node catches up the imported history in the same order', async () => {
    const a = await startRealNode();
    const b = await startRealNode();
    const alice = (await a.node.createLocalUser('alice')).user;
    const ch = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'general' })).channel!
      .id;
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'live before import' });
    const zip = join(a.dir, 'export.zip');
    await writeSlackExport(zip, { channels: ['general'], perChannel: 150, users: 3 });
    const source = await SlackExport.open(zip);
    const store = await createMappingStore({ kind: 'sqlite', path: join(a.dir, 'mapping.db') });
    await store.init();
    try {
      const ctx = importContext({ node: a.node, store, logger: quietLogger });
      const result = await importHistory(
        ctx,
        source.history(source.channels[0]!, exportFiles(undefined)),
        {
          network: 'slack' as NetworkName,
          channel: ch,
          markup: 'slack',
        },
      );
      expect(result).toMatchObject({ imported: 150, skipped: 0, failed: 0 });
    } finally {
      source.close();
      await store.close();
    }
    const onA = history(a.node, ch);
    expect(onA).toHaveLength(151);
    // The live message was sent now: every imported one (2024) reads before it.
    expect(onA.at(-1)).toMatch(/^live before import\|/);
    expect(onA[0]).toMatch(/^general message 0\|2024-01-01T09:00:00.000Z\|person1\|true$/);

    await b.p2p.dial(a.p2p.addresses()[0]!);
    const bob = (await b.node.createLocalUser('bob')).user;
    await b.p2p.fetchChannel(ch);
    await b.node.submit(bob.id, { kind: 'joinChannel', channel: ch });
    await waitFor('history on b', () => history(b.node, ch).length === onA.length, 60_000);
    expect(history(b.node, ch)).toEqual(onA);
  }, 90_000);
});
