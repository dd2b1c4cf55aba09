/**
 * Adapters report health through the injected `reportHealth`; the runtime logs each report and,
 * on `connected`, wakes the delivery worker for what it held while the network was down. The
 * worker polls once an hour here, so only the report can wake it in time.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeRuntime, type BridgeRuntime } from '../../../src/bridges/runtime/index.js';
import type { AdapterLogger } from '../../../src/bridges/types.js';
import type { MultichatNode } from '../../../src/core/types.js';
import { createMappingStore } from '../../../src/mapping/index.js';
import type { MappingStore } from '../../../src/mapping/types.js';
import { tempDir, tempNode } from '../../support/core.js';
import { createTestAdapter, TestNetwork, type TestAdapter } from '../../support/test-adapter.js';

interface Logged {
  readonly bridge?: string;
  readonly state?: string;
  readonly detail?: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(): Promise<{
  node: MultichatNode;
  runtime: BridgeRuntime;
  network: TestNetwork;
  adapter: TestAdapter;
  logged: Logged[];
}> {
  const dataDir = tempDir('mc-health-report-');
  const node = await tempNode({ dataDir });
  const store: MappingStore = await createMappingStore({
    kind: 'sqlite',
    path: join(dataDir, 'mapping.db'),
  });
  await store.init();
  cleanups.push(() => store.close());
  const logged: Logged[] = [];
  const quiet = () => undefined;
  const logger: AdapterLogger = {
    debug: quiet,
    warn: quiet,
    error: quiet,
    info: (obj, msg) => {
      if (msg === 'bridge health') logged.push(obj as Logged);
    },
  };
  const network = new TestNetwork('n-');
  const runtime = createBridgeRuntime({
    node,
    store,
    logger,
    adapters: [createTestAdapter({ name: 'net', network })],
    options: { pollIntervalMs: 3_600_000 },
  });
  cleanups.push(() => runtime.stop(10));
  await runtime.start();
  const alice = (await node.createLocalUser('alice')).user;
  await node.submit(alice.id, { kind: 'createChannel', name: 'general' });
  await runtime.links.create({ channel: 'general', network: 'net', target: { channel: 'main' } });
  return { node, runtime, network, adapter: runtime.adapter('net') as TestAdapter, logged };
}

describe('reportHealth', () => {
  it('a reported reconnect holds deliveries; a reported connect delivers them without a poll', async () => {
    const { node, runtime, network, adapter, logged } = await setup();
    adapter.setHealth({ state: 'reconnecting', detail: 'socket closed' });
    expect(runtime.health()).toEqual({ net: { state: 'reconnecting', detail: 'socket closed' } });

    const alice = node.findUserByName('alice');
    const general = node.findChannelByName('general');
    if (!alice || !general) throw new Error('setup did not create alice and general');
    await node.submit(alice.id, { kind: 'sendMessage', channel: general.id, text: 'held' });
    await runtime.settle();
    expect(network.posts).toEqual([]);

    adapter.setHealth({ state: 'connected' });
    await vi.waitFor(() => expect(network.posts.map((p) => p.text)).toEqual(['held']));
    expect(runtime.health()).toEqual({ net: { state: 'connected' } });
    expect(logged.map((l) => [l.bridge, l.state, l.detail])).toEqual([
      ['net', 'connected', undefined],
      ['net', 'reconnecting', 'socket closed'],
      ['net', 'connected', undefined],
    ]);
  });
});
