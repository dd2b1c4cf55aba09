/**
 * The one long Matrix test: Synapse is stopped for 60 s while Multichat messages are posted; once
 * it is back, every message arrives in the room, in order, exactly once. The adapter reports the
 * outage as a health state, so the router holds deliveries instead of burning their attempts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, ghostUserId } from '../../src/bridges/matrix/index.js';
import { createBridgeRuntime, type BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { AdapterComponents, AdapterHealth, NetworkName } from '../../src/bridges/types.js';
import { silentLogger } from '../../src/core/options.js';
import type { ChannelId, MultichatNode, UserView } from '../../src/core/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import type { MappingStore } from '../../src/mapping/types.js';
import { tempDir, tempNode } from '../support/core.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const OUTAGE_MS = 60_000;
const POSTED = 12;

describe.skipIf(!synapseAvailable())('Matrix: a 60 s homeserver outage', () => {
  let world: MatrixWorld;
  let node: MultichatNode;
  let store: MappingStore;
  let runtime: BridgeRuntime;
  let alice: MatrixTestClient;
  let room: string;
  let nina: UserView;
  let general: ChannelId;
  /** Every health the adapter reported to the runtime, in order. */
  const reported: AdapterHealth['state'][] = [];

  beforeAll(async () => {
    world = await startMatrixWorld();
    const dataDir = tempDir('mc-matrix-outage-');
    node = await tempNode({ dataDir });
    store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
    await store.init();
    // Production retry policy (default backoff and attempts); only the worker polls faster.
    runtime = createBridgeRuntime({
      node,
      store,
      logger: silentLogger,
      // The runtime's own `reportHealth` still gets every report (it wakes the worker).
      adapters: [
        Object.assign(
          (components: AdapterComponents) =>
            createAdapter(
              world.config,
              'matrix' as NetworkName,
            )({
              ...components,
              reportHealth: (health) => {
                reported.push(health.state);
                components.reportHealth(health);
              },
            }),
          { network: 'matrix' as NetworkName },
        ),
      ],
      options: { pollIntervalMs: 200 },
    });
    await runtime.start();
    nina = (await node.createLocalUser('nina')).user;
    general = (await node.submit(nina.id, { kind: 'createChannel', name: 'general' })).channel
      ?.id as ChannelId;
    alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    room = await alice.createRoom({ name: 'general' });
    await runtime.links.create({ channel: 'general', network: 'matrix', target: { room } });
  });

  afterAll(async () => {
    await runtime?.stop(100);
    await store?.close();
    await world?.stop();
  });

  it(
    'delivers every message posted during the outage, in order, once it returns',
    { timeout: 240_000 },
    async () => {
      const ghost = ghostUserId(world.config, nina.id);
      await node.submit(nina.id, { kind: 'sendMessage', channel: general, text: 'before' });
      await alice.waitFor(room, (ev) =>
        ev.find((e) => e.sender === ghost && e.content['body'] === 'before'),
      );

      const from = reported.length;
      const adapter = runtime.adapter('matrix');
      await world.synapse.kill();
      const started = Date.now();
      for (let i = 1; i <= POSTED; i++) {
        await node.submit(nina.id, { kind: 'sendMessage', channel: general, text: `during ${i}` });
        const next = started + (OUTAGE_MS * i) / POSTED;
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
      expect(adapter?.health().state).toBe('reconnecting');
      await world.synapse.restart();

      const expected = ['before', ...Array.from({ length: POSTED }, (_, i) => `during ${i + 1}`)];
      const bodies = await alice.waitFor(
        room,
        (ev) => {
          const got = ev
            .filter((e) => e.sender === ghost && e.type === 'm.room.message')
            .map((e) => String(e.content['body']));
          return got.length >= expected.length ? got : undefined;
        },
        90_000,
      );
      expect(bodies).toEqual(expected);
      expect(reported.slice(from)).toContain('reconnecting');
      expect(adapter?.health().state).toBe('connected');
      expect(await store.outbox.listDead()).toEqual([]);
    },
  );
});
