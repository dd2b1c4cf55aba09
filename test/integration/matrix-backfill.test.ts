/**
 * Live backfill (issue 20) against a real Synapse: while the gateway is stopped, a Matrix user
 * posts 20 messages; after the restart the bridge bot reads them with /messages and they reach
 * the other network once each, in order, before a message posted after the restart. Synapse
 * also redelivers the queued transactions later: those are already mapped and not carried twice.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/bridges/matrix/index.js';
import { createBridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { silentLogger } from '../../src/core/options.js';
import { createMappingStore, targetKeyOf } from '../../src/mapping/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, tempNode } from '../support/core.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import { createTestAdapter, TestNetwork } from '../support/test-adapter.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const main = { channel: 'main' };
const atB = targetKeyOf('b' as NetworkName, main);
const worlds: MatrixWorld[] = [];
afterAll(async () => {
  for (const w of worlds) await w.stop();
});

async function boot(dataDir: string, world: MatrixWorld, netB: TestNetwork, room?: string) {
  const node = await tempNode({ dataDir });
  const store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
  await store.init();
  const runtime = createBridgeRuntime({
    node,
    store,
    logger: silentLogger,
    adapters: [
      createAdapter(world.config, 'matrix' as NetworkName),
      createTestAdapter({ name: 'b', network: netB }),
    ],
    options: { pollIntervalMs: 50 },
  });
  await runtime.start();
  if (room !== undefined) {
    const nina = (await node.createLocalUser('nina')).user;
    await node.submit(nina.id, { kind: 'createChannel', name: 'general' });
    await runtime.links.create({ channel: 'general', network: 'matrix', target: { room } });
    await runtime.links.create({ channel: 'general', network: 'b', target: main });
  }
  const stop = async () => {
    await runtime.stop(1_000);
    await node.stop();
    await store.close();
  };
  return { runtime, stop };
}

describe.skipIf(!synapseAvailable())('matrix live backfill', () => {
  it(
    'what was said while down arrives once, in order, before what is said after',
    { timeout: 180_000 },
    async () => {
      const world = await startMatrixWorld();
      worlds.push(world);
      const dataDir = tempDir('mc-matrix-backfill-');
      const netB = new TestNetwork('b-');
      const texts = () => netB.at(atB).map((p) => p.text);
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

      const seen = texts();
      expect(seen.filter((t) => missed.includes(t))).toEqual(missed);
      for (const t of [...missed, 'before the stop', 'after the restart'])
        expect(
          seen.filter((s) => s === t),
          t,
        ).toHaveLength(1);
      expect(seen.indexOf('after the restart')).toBeGreaterThan(seen.indexOf('missed 20'));
      await second.stop();
    },
  );
});
