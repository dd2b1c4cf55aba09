/**
 * Supervision against the Discord fake: a bridge whose API is unreachable at boot reads
 * `reconnecting` with the real cause (not discord.js's "Expected token to be set"), is retried
 * with backoff, ends `connected` once the fake starts late, and delivers a message sent while it
 * was down. A refused token ends `failed`, naming the refusal, and is not retried.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import { createBridgeRuntime, type BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { AdapterHealth, AdapterLogger, NetworkName } from '../../src/bridges/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import type { MappingStore, NetworkName as StoreNetwork } from '../../src/mapping/types.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { freePort } from '../peers/free-port.js';
import { tempDir, tempNode } from '../support/core.js';
import { eventually } from '../support/eventually.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface Setup {
  readonly runtime: BridgeRuntime;
  readonly reports: AdapterHealth[];
  readonly node: Awaited<ReturnType<typeof tempNode>>;
  readonly store: MappingStore;
}

async function setup(fake: DiscordFake, token: string): Promise<Setup> {
  const dataDir = tempDir('mc-discord-supervision-');
  const node = await tempNode({ dataDir });
  const store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
  await store.init();
  cleanups.push(() => store.close());
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
    adapters: [
      createDiscordAdapter(
        { token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, readyTimeoutMs: 10_000 },
        'discord' as NetworkName,
      ),
    ],
    options: { pollIntervalMs: 100 },
    supervision: { backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.2 } },
  });
  cleanups.push(() => runtime.stop(10));
  return { runtime, reports, node, store };
}

describe('discord supervision', () => {
  it('an API that is down at boot: reconnecting with the cause, then connected, and the message sent meanwhile arrives', async () => {
    const port = await freePort();
    const fake = await startDiscordFake({ ...FAST_LIMITS, port, deferListen: true });
    cleanups.push(() => fake.stop());
    const { runtime, reports, node, store } = await setup(fake, fake.token);
    await runtime.start();
    const health = runtime.health().discord;
    expect(health?.state).toBe('reconnecting');
    expect(health?.detail).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(health?.detail).not.toContain('Expected token');

    const alice = (await node.createLocalUser('alice')).user;
    const created = await node.submit(alice.id, { kind: 'createChannel', name: 'general' });
    // A link made in an earlier run: creating one now would ask the (down) API to check it.
    await store.links.create({
      channel: created.channel?.id as never,
      network: 'discord' as StoreNetwork,
      target: { channel: fake.channel.id },
    });
    await node.submit(alice.id, {
      kind: 'sendMessage',
      channel: created.channel?.id as never,
      text: 'sent while discord was down',
    });
    // A second failed attempt shows the supervisor retries; then the peer comes up.
    await eventually(() => reports.filter((r) => r.state === 'reconnecting').length >= 2, {
      what: 'a second reconnecting report (a retry)',
    });
    await fake.listen();
    await eventually(() => runtime.health().discord?.state === 'connected', {
      what: 'discord connected after its API started',
      timeoutMs: 30_000,
    });
    await eventually(
      () =>
        [...fake.state.messages.values()].some((m) =>
          m.content.includes('sent while discord was down'),
        ),
      { what: 'the message sent while down, on the fake', timeoutMs: 30_000 },
    );
  });

  it('a refused token ends failed, names the refusal, and is not retried', async () => {
    const fake = await startDiscordFake(FAST_LIMITS);
    cleanups.push(() => fake.stop());
    const { runtime } = await setup(fake, 'not-the-token');
    await runtime.start();
    const health = runtime.health().discord;
    expect(health?.state).toBe('failed');
    expect(health?.detail).toMatch(/refused the bot token.*401/);
    const asked = () => fake.requests.filter((r) => r.path.includes('/gateway/bot')).length;
    const before = asked();
    // No retry is scheduled: a later request would have to come from a timer the test can see.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(asked()).toBe(before);
    expect(runtime.health().discord?.state).toBe('failed');
  });
});
