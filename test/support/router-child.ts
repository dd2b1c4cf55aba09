/**
 * A gateway-like process for the kill test: a core node, the SQLite mapping store and the bridge
 * runtime with one HTTP adapter. Run as
 * `spawnSource(test/support/router-child.ts, [DIR, URL, PHASE])` (test/peers/gateway-spawn.ts).
 * Phase `first` links a channel, bridges one message, then sends a second one and waits (the
 * test kills it while the network holds the answer). Phase `second` restarts on the same data,
 * lets the outbox finish, edits the first message, and exits 0.
 */
import { join } from 'node:path';
import { createBridgeRuntime } from '../../src/bridges/runtime/index.js';
import { createNode } from '../../src/core/index.js';
import { silentLogger } from '../../src/core/options.js';
import type { ChannelId, MessageId } from '../../src/core/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import { createHttpAdapter } from './http-adapter.js';

const [dataDir, url, phase] = process.argv.slice(2) as [string, string, string];
const node = await createNode({ dataDir, sweepIntervalMs: 0 });
await node.start();
const store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
await store.init();
const runtime = createBridgeRuntime({
  node,
  store,
  logger: silentLogger,
  adapters: [createHttpAdapter({ name: 'web', url })],
  options: { pollIntervalMs: 50 },
});
await runtime.start();

if (phase === 'first') {
  const { user } = await node.createLocalUser('alice');
  const created = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
  const channel = created.channel?.id as ChannelId;
  await runtime.links.create({ channel: 'general', network: 'web', target: { channel: 'main' } });
  await node.submit(user.id, { kind: 'sendMessage', channel, text: 'before' });
  await runtime.settle();
  await node.submit(user.id, { kind: 'sendMessage', channel, text: 'in flight' });
  process.stdout.write('sent\n');
  await new Promise(() => undefined); // killed here
} else {
  await runtime.settle();
  const alice = node.findUserByName('alice');
  const general = node.findChannelByName('general');
  const before = node.listMessages(general?.id as ChannelId).find((m) => m.text === 'before');
  await node.submit(alice?.id as never, {
    kind: 'editMessage',
    message: before?.id as MessageId,
    text: 'edited after restart',
  });
  await runtime.settle();
  await runtime.stop();
  await store.close();
  await node.stop();
  process.stdout.write('done\n');
}
