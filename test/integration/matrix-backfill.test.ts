/**
 * Live backfill (issue 20) against a real Synapse: while the gateway is stopped, a Matrix user
 * posts 20 messages; after the restart the bridge bot reads them with /messages and they reach
 * the other network once each, in order, before a message posted after the restart. Synapse
 * also redelivers the queued transactions later: those are already mapped and not carried twice.
 * The missed messages keep their origin_server_ts as their createdAt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/bridges/matrix/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/core.js';
import { AT_B, bootRouter, datedByText, expectBackfilled } from '../support/fake-router-world.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import { TestNetwork } from '../support/test-adapter.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const worlds: MatrixWorld[] = [];
afterAll(async () => {
  for (const w of worlds) await w.stop();
});

/** The first boot (with the room) links general to it and to b; a restart finds them again. */
const boot = (dataDir: string, world: MatrixWorld, netB: TestNetwork, room?: string) =>
  bootRouter({
    dataDir,
    netB,
    pollIntervalMs: 50,
    owner: 'nina',
    adapter: createAdapter(world.config, 'matrix' as NetworkName),
    ...(room !== undefined && { link: { network: 'matrix', target: { room } } }),
  });

describe.skipIf(!synapseAvailable())('matrix live backfill', () => {
  it(
    'what was said while down arrives once, in order, before what is said after',
    { timeout: 180_000 },
    async () => {
      const world = await startMatrixWorld();
      worlds.push(world);
      const dataDir = tempDir('mc-matrix-backfill-');
      const netB = new TestNetwork('b-');
      const texts = () => netB.at(AT_B).map((p) => p.text);
      const alice = await MatrixTestClient.register(world.synapse.url, 'alice');
      const room = await alice.createRoom({ name: 'general', preset: 'public_chat' });

      const first = await boot(dataDir, world, netB, room);
      await alice.sendText(room, 'before the stop');
      await eventually(() => expect(texts()).toContain('before the stop'), {
        what: 'live message → b',
        timeoutMs: 30_000,
      });
      await first.stop();

      const missed = Array.from({ length: 20 }, (_, i) => `missed ${i + 1}`);
      for (const text of missed) await alice.sendText(room, text);

      const second = await boot(dataDir, world, netB);
      await alice.sendText(room, 'after the restart');
      await eventually(() => expect(texts()).toContain('after the restart'), {
        what: 'message after the restart → b',
        timeoutMs: 120_000,
      });
      await second.runtime.settle();

      expectBackfilled(texts(), missed, ['before the stop', 'after the restart']);
      // Each missed message is dated by its origin_server_ts, not by when the gateway came back.
      const sent = new Map(
        (await alice.timeline(room)).map((e) => [
          e.content['body'],
          (e as unknown as { origin_server_ts: number }).origin_server_ts,
        ]),
      );
      const dated = datedByText(second.node, second.general);
      for (const text of missed)
        expect(dated.get(text), text).toEqual({ at: sent.get(text), imported: true });
      await second.stop();
    },
  );
});
