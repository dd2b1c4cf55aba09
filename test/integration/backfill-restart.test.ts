/**
 * Issue 23 (kill-irc-matrix lost `m2i 199` once): a gateway restarted on its data dir backfills
 * a network as soon as that network's adapter connects, which can be while another adapter is
 * still starting (IRC registering). The messages it backfills must still reach the other links,
 * exactly once. Real core node and SQLite mapping store; `a` is an in-memory network with a
 * history it backfills from, `b` the test network, whose start is held until `a`'s backfilled
 * messages are in the core, so the order the kill test hit by chance happens every time.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBridgeRuntime } from '../../src/bridges/runtime/index.js';
import type {
  AdapterBuilder,
  BackfillPage,
  ExternalUserId,
  InboundEvent,
  NetworkName,
} from '../../src/bridges/types.js';
import { silentLogger } from '../../src/core/options.js';
import type { ChannelId, MessageId, MultichatNode } from '../../src/core/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import type { ExternalMessageId } from '../../src/mapping/types.js';
import { tempDir, tempNode } from '../support/core.js';
import { eventually } from '../support/eventually.js';
import { AT_B, MAIN_ON_B } from '../support/fake-router-world.js';
import { createTestAdapter, TestNetwork } from '../support/test-adapter.js';

const MAIN_ON_A = { channel: 'main' };

/** What network `a` keeps: message id → text and time, in order. */
interface History {
  readonly said: { id: string; text: string; at: number }[];
}

const messageOf = (id: string, text: string): InboundEvent => ({
  kind: 'message',
  target: MAIN_ON_A,
  sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
  externalId: id as ExternalMessageId,
  text,
});

/** The test adapter as `a`, with a backfill that reads `history` after the cursor. */
function backfillingA(netA: TestNetwork, history: History): AdapterBuilder {
  const build = createTestAdapter({ name: 'a', network: netA });
  return Object.assign(
    (components: Parameters<typeof build>[0]) =>
      Object.assign(build(components), {
        backfillLimits: { maxAgeHours: 24, maxMessages: 100 },
        async backfill(_target: unknown, cursor: string | undefined): Promise<BackfillPage> {
          const from = history.said.findIndex((m) => m.id === cursor) + 1;
          const page = history.said.slice(from);
          return { events: page.map((m) => messageOf(m.id, m.text)), times: page.map((m) => m.at) };
        },
      }),
    { network: 'a' as NetworkName },
  ) as AdapterBuilder;
}

/** `b` whose start waits for `hold` (an adapter still connecting while `a` backfills). */
function slowB(netB: TestNetwork, hold: Promise<void>): AdapterBuilder {
  const build = createTestAdapter({ name: 'b', network: netB });
  return Object.assign(
    (components: Parameters<typeof build>[0]) => {
      const adapter = build(components);
      const start = adapter.start.bind(adapter);
      adapter.start = async () => {
        await hold;
        await start();
      };
      return adapter;
    },
    { network: 'b' as NetworkName },
  ) as AdapterBuilder;
}

async function boot(dataDir: string, adapters: AdapterBuilder[]) {
  const node = await tempNode({ dataDir });
  const store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
  await store.init();
  const runtime = createBridgeRuntime({
    node,
    store,
    logger: silentLogger,
    adapters,
    options: { pollIntervalMs: 10 },
  });
  const stop = async () => {
    await runtime.stop(1_000);
    await node.stop();
    await store.close();
  };
  return { node, store, runtime, stop };
}

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 100 }).map((m) => m.text ?? '');

describe('a restart that backfills while another adapter is still starting', () => {
  it('carries each backfilled message to the other link exactly once', async () => {
    const dataDir = tempDir('mc-backfill-restart-');
    const netA = new TestNetwork('a-');
    const netB = new TestNetwork('b-');
    const history: History = { said: [] };

    // --- first process: linked both ways, one message carried live ---
    const first = await boot(dataDir, [
      backfillingA(netA, history),
      slowB(netB, Promise.resolve()),
    ]);
    await first.runtime.start();
    const owner = (await first.node.createLocalUser('owner')).user;
    const general = (await first.node.submit(owner.id, { kind: 'createChannel', name: 'general' }))
      .channel?.id as ChannelId;
    await first.runtime.links.create({ channel: 'general', network: 'a', target: MAIN_ON_A });
    await first.runtime.links.create({ channel: 'general', network: 'b', target: MAIN_ON_B });
    history.said.push({ id: '1', text: 'before the stop', at: Date.now() });
    const live = first.runtime.adapter('a') as unknown as {
      inject(e: InboundEvent): Promise<void>;
    };
    await live.inject(messageOf('1', 'before the stop'));
    await first.runtime.settle();
    expect(netB.at(AT_B).map((p) => p.text)).toEqual(['before the stop']);
    await first.stop();

    // --- while it is down, `a` goes on ---
    const missed = ['missed 1', 'missed 2', 'missed 3'];
    for (const [i, text] of missed.entries())
      history.said.push({ id: String(i + 2), text, at: Date.now() });

    // --- second process: `b` connects only once `a` has backfilled into the core ---
    let release = () => undefined as void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const second = await boot(dataDir, [backfillingA(netA, history), slowB(netB, hold)]);
    const started = second.runtime.start();
    await eventually(() => missed.every((t) => texts(second.node, general).includes(t)), {
      what: 'the backfilled messages in the core',
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    release();
    await started;
    await eventually(
      async () => {
        await second.runtime.settle();
        return netB.at(AT_B).length >= 1 + missed.length;
      },
      { what: 'the backfilled messages on b', timeoutMs: 10_000, intervalMs: 20 },
    ).catch(() => undefined);
    expect(netB.at(AT_B).map((p) => p.text)).toEqual(['before the stop', ...missed]);
    // Stored once each in the core too (the backfill reads from its cursor).
    expect(texts(second.node, general).filter((t) => missed.includes(t))).toEqual(missed);
    await second.stop();
  });

  it('queues a backfilled message whose enqueue failed after it was stored when it is read again', async () => {
    const dataDir = tempDir('mc-backfill-enqueue-');
    const netA = new TestNetwork('a-');
    const netB = new TestNetwork('b-');
    const history: History = { said: [] };
    const adapters = () => [backfillingA(netA, history), slowB(netB, Promise.resolve())];

    const first = await boot(dataDir, adapters());
    await first.runtime.start();
    const owner = (await first.node.createLocalUser('owner')).user;
    const general = (await first.node.submit(owner.id, { kind: 'createChannel', name: 'general' }))
      .channel?.id as ChannelId;
    await first.runtime.links.create({ channel: 'general', network: 'a', target: MAIN_ON_A });
    await first.runtime.links.create({ channel: 'general', network: 'b', target: MAIN_ON_B });
    history.said.push({ id: '1', text: 'before the stop', at: Date.now() });
    const live = first.runtime.adapter('a') as unknown as {
      inject(e: InboundEvent): Promise<void>;
    };
    await live.inject(messageOf('1', 'before the stop'));
    await first.runtime.settle();
    await first.stop();

    const missed = ['missed 1', 'missed 2', 'missed 3'];
    for (const [i, text] of missed.entries())
      history.said.push({ id: String(i + 2), text, at: Date.now() });

    // Second process: 'missed 2' is stored, then the outbox refuses its deliveries (what a
    // kill between the core's commit and the enqueue leaves behind).
    const second = await boot(dataDir, adapters());
    const enqueue = second.store.outbox.enqueue.bind(second.store.outbox);
    let refused = 0;
    second.store.outbox.enqueue = async (inputs) => {
      const sends = inputs.map((d) => d.action as { kind: string; message?: MessageId });
      if (
        sends.some(
          (a) => a.kind === 'send' && second.node.getMessage(a.message!)?.text === 'missed 2',
        )
      ) {
        refused += 1;
        throw new Error('the outbox is gone (a kill)');
      }
      return enqueue(inputs);
    };
    await second.runtime.start();
    await eventually(() => texts(second.node, general).includes('missed 2') && refused > 0, {
      what: "'missed 2' stored and its enqueue refused",
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    await second.runtime.settle();
    await second.stop();
    expect(netB.at(AT_B).map((p) => p.text)).not.toContain('missed 2');

    // Third process, nothing refused: what the second one stored but did not queue goes out.
    const third = await boot(dataDir, adapters());
    await third.runtime.start();
    await eventually(
      async () => {
        await third.runtime.settle();
        return netB.at(AT_B).length >= 1 + missed.length;
      },
      { what: 'the missed messages on b', timeoutMs: 10_000, intervalMs: 20 },
    ).catch(() => undefined);
    expect(netB.at(AT_B).map((p) => p.text)).toEqual(['before the stop', ...missed]);
    expect(texts(third.node, general).filter((t) => missed.includes(t))).toEqual(missed);
    await third.stop();
  });
});
