/**
 * A bridge runtime around one real adapter (on a network fake) with a fast supervision
 * backoff, for the supervision tests: every health the runtime logs is collected in order.
 */
import { join } from 'node:path';
import { createBridgeRuntime, type BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { AdapterBuilder, AdapterHealth, AdapterLogger } from '../../src/bridges/types.js';
import type { ChannelId } from '../../src/core/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import type { MappingStore, NetworkName } from '../../src/mapping/types.js';
import { tempDir, tempNode } from './core.js';

export interface SupervisedRuntime {
  readonly runtime: BridgeRuntime;
  /** Each `bridge health` the runtime logged, in order. */
  readonly reports: AdapterHealth[];
  /**
   * Links channel `general` to `target` in the store, as a link made in an earlier run would
   * be (creating one through the runtime asks the network, which may be down), then sends
   * `text` to it as alice.
   */
  sendLinked(
    network: string,
    target: Readonly<Record<string, string>>,
    text: string,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startSupervisedRuntime(build: AdapterBuilder): Promise<SupervisedRuntime> {
  const dataDir = tempDir('mc-supervision-');
  const node = await tempNode({ dataDir });
  const store: MappingStore = await createMappingStore({
    kind: 'sqlite',
    path: join(dataDir, 'mapping.db'),
  });
  await store.init();
  const reports: AdapterHealth[] = [];
  const quiet = () => undefined;
  const logger: AdapterLogger = {
    debug: quiet,
    warn: quiet,
    error: quiet,
    info: (obj, msg) => {
      if (msg === 'bridge health') reports.push(obj as AdapterHealth);
    },
  };
  const runtime = createBridgeRuntime({
    node,
    store,
    logger,
    adapters: [build],
    options: { pollIntervalMs: 100 },
    supervision: { backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.2 } },
  });
  await runtime.start();
  return {
    runtime,
    reports,
    async sendLinked(network, target, text) {
      const alice = (await node.createLocalUser('alice')).user;
      const created = await node.submit(alice.id, { kind: 'createChannel', name: 'general' });
      const channel = created.channel?.id as ChannelId;
      await store.links.create({ channel, network: network as NetworkName, target });
      await node.submit(alice.id, { kind: 'sendMessage', channel, text });
    },
    async close() {
      await runtime.stop(10).catch(() => undefined);
      await store.close().catch(() => undefined);
    },
  };
}
