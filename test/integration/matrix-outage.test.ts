/**
 * The one long Matrix test: Synapse is stopped for 60 s while Multichat messages are posted; once
 * it is back, every message arrives in the room, in order, exactly once. The adapter reports the
 * outage as a health state, so the router holds deliveries instead of burning their attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, ghostUserId } from '../../src/bridges/matrix/index.js';
import type { BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { AdapterComponents, AdapterHealth, NetworkName } from '../../src/bridges/types.js';
import type { ChannelId, MultichatNode, UserView } from '../../src/core/types.js';
import type { MappingStore } from '../../src/mapping/types.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import {
  startMatrixAppservice,
  stopMatrixAppservice,
  type MatrixAppserviceWorld,
} from '../support/matrix-appservice-world.js';
import { synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const OUTAGE_MS = 60_000;
const POSTED = 12;

describe.skipIf(!synapseAvailable())('Matrix: a 60 s homeserver outage', () => {
  let m: MatrixAppserviceWorld | undefined;
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
    m = await startMatrixAppservice({
      dataDirPrefix: 'mc-matrix-outage-',
      owner: 'nina',
      person: { name: 'alice' },
      // The runtime's own `reportHealth` still gets every report (it wakes the worker).
      matrix: (started) =>
        Object.assign(
          (components: AdapterComponents) =>
            createAdapter(
              started.config,
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
      // Production retry policy (default backoff and attempts); only the worker polls faster.
      runtime: { pollIntervalMs: 200 },
    });
    ({ world, node, store, runtime, owner: nina, general, person: alice, room } = m);
  });

  afterAll(async () => {
    await stopMatrixAppservice(m);
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
