/**
 * A router under test: a real core node and a real SQLite mapping store in a temp dir, test
 * adapters on shared fake networks, and a virtual clock that rate-limit waits move forward
 * (so tests check spacing in virtual time, never wall time).
 *
 * No silent drop goes unnoticed: after each test, every runtime it started must show no event
 * not carried (`runtime.dropped()`), except what the test declared with `expectDrops` (tests
 * that send an unsupported kind on purpose). With MC_DROP_REPORT=<file> set, every non-zero
 * count is appended to that file as a JSON line (the suite-wide measurement).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type { DropCount } from '../../../src/bridges/runtime/dropped.js';
import { createBridgeRuntime, type BridgeRuntime } from '../../../src/bridges/runtime/index.js';
import type { RuntimeOptions } from '../../../src/bridges/runtime/context.js';
import type {
  AdapterBuilder,
  AdapterCapabilities,
  AdapterLogger,
} from '../../../src/bridges/types.js';
import { silentLogger, type NodeOptions } from '../../../src/core/options.js';
import type { ChannelId, MultichatNode, UserView } from '../../../src/core/types.js';
import { createMappingStore } from '../../../src/mapping/index.js';
import type { MappingStore } from '../../../src/mapping/types.js';
import { tempDir, tempNode } from '../../support/core.js';
import { createTestAdapter, TestNetwork, type TestAdapter } from '../../support/test-adapter.js';

export class VirtualClock {
  t = 1_700_000_000_000;
  readonly now = (): number => this.t;
  readonly sleep = async (ms: number): Promise<void> => {
    this.t += Math.max(0, ms);
  };
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface AdapterSpec {
  readonly name: string;
  readonly capabilities?: Partial<AdapterCapabilities>;
  readonly echo?: boolean;
  /** Another adapter than the test adapter (its network must be `name`). */
  readonly build?: AdapterBuilder;
}

export interface Harness {
  readonly node: MultichatNode;
  readonly store: MappingStore;
  readonly runtime: BridgeRuntime;
  readonly clock: VirtualClock;
  readonly networks: Map<string, TestNetwork>;
  readonly dataDir: string;
  adapter(name: string): TestAdapter;
  /** A native user of the node who is a member of `general`. */
  readonly alice: UserView;
  readonly general: ChannelId;
  /** Sends as alice and waits until every delivery is done. */
  say(text: string, channel?: ChannelId): Promise<string>;
  settle(): Promise<void>;
  /** Advances the virtual clock, wakes the worker, waits. */
  tick(ms: number): Promise<void>;
  /**
   * Declares that this test makes the runtime drop events on purpose: counts `allow` accepts
   * are not a failure at the end of the test (default: every count).
   */
  expectDrops(allow?: (count: DropCount) => boolean): void;
}

interface Watched {
  readonly runtime: BridgeRuntime;
  allow: (count: DropCount) => boolean;
}

const watched: Watched[] = [];
afterEach((context) => {
  const unexpected: DropCount[] = [];
  for (const w of watched.splice(0)) {
    const counts = w.runtime.dropped();
    const report = process.env.MC_DROP_REPORT;
    if (report && counts.length > 0) {
      const test = context.task.name;
      const file = context.task.file?.name ?? '';
      for (const c of counts) {
        appendFileSync(report, `${JSON.stringify({ file, test, ...c, allowed: w.allow(c) })}\n`);
      }
    }
    unexpected.push(...counts.filter((c) => !w.allow(c)));
  }
  expect(
    unexpected,
    'events the runtime did not carry (dropped) in a test not expecting it',
  ).toEqual([]);
});

const stores: MappingStore[] = [];
const runtimes: BridgeRuntime[] = [];
afterAll(async () => {
  for (const r of runtimes.splice(0)) await r.stop(10).catch(() => undefined);
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
});

export interface HarnessOptions {
  readonly maxAttempts?: number;
  readonly dataDir?: string;
  readonly networks?: Map<string, TestNetwork>;
  readonly clock?: VirtualClock;
  /** Link each adapter to `general` at target `{channel: 'main'}` (default true). */
  readonly link?: boolean;
  /** Wraps the store the runtime is given (a test counting its calls); `store` stays bare. */
  readonly wrapStore?: (store: MappingStore) => MappingStore;
  /** Where the runtime logs (default: nowhere). */
  readonly logger?: AdapterLogger;
  /** More runtime options (media limits and links). */
  readonly runtimeOptions?: Partial<RuntimeOptions>;
  /** More core node options (a sweep interval for expiry tests). */
  readonly nodeOptions?: Partial<NodeOptions>;
}

export async function startHarness(
  specs: readonly AdapterSpec[],
  options: HarnessOptions = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? tempDir('mc-router-');
  const clock = options.clock ?? new VirtualClock();
  const node = await tempNode({ ...options.nodeOptions, dataDir });
  const store = await createMappingStore({
    kind: 'sqlite',
    path: join(dataDir, 'mapping.db'),
    now: clock.now,
  });
  await store.init();
  stores.push(store);
  const networks = options.networks ?? new Map<string, TestNetwork>();
  for (const s of specs)
    if (!networks.has(s.name)) networks.set(s.name, new TestNetwork(`${s.name}-`));
  const runtime = createBridgeRuntime({
    node,
    store: options.wrapStore ? options.wrapStore(store) : store,
    logger: options.logger ?? silentLogger,
    now: clock.now,
    sleep: clock.sleep,
    adapters: specs.map(
      (s) =>
        s.build ??
        createTestAdapter({
          name: s.name,
          network: networks.get(s.name) as TestNetwork,
          // Joins and leaves are carried unless a test says otherwise, so that a normal test
          // drops nothing (the harness checks it after each test).
          capabilities: { membership: true, ...s.capabilities },
          ...(s.echo && { echo: true }),
        }),
    ),
    options: {
      ...options.runtimeOptions,
      maxAttempts: options.maxAttempts ?? 5,
      backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0 },
      pollIntervalMs: 50,
      random: () => 0.5,
    },
  });
  runtimes.push(runtime);
  const watch: Watched = { runtime, allow: () => false };
  watched.push(watch);
  await runtime.start();
  let alice = node.findUserByName('alice');
  if (!alice) alice = (await node.createLocalUser('alice')).user;
  const existing = node.findChannelByName('general');
  const general =
    existing?.id ??
    ((await node.submit(alice.id, { kind: 'createChannel', name: 'general' })).channel
      ?.id as ChannelId);
  if (options.link ?? true) {
    for (const s of specs)
      await runtime.links.create({
        channel: 'general',
        network: s.name,
        target: { channel: 'main' },
      });
  }
  const settle = () => runtime.settle();
  const h: Harness = {
    node,
    store,
    runtime,
    clock,
    networks,
    dataDir,
    alice,
    general,
    adapter: (name) => runtime.adapter(name) as TestAdapter,
    async say(text, channel = general) {
      const result = await node.submit(alice.id, { kind: 'sendMessage', channel, text });
      await settle();
      return result.created as string;
    },
    settle,
    async tick(ms) {
      clock.advance(ms);
      runtime.kick();
      await settle();
    },
    expectDrops(allow = () => true) {
      watch.allow = allow;
    },
  };
  return h;
}
