/**
 * One gateway "process" for the restart and backfill suites: a real core node and SQLite mapping
 * store in `dataDir`, the real router with the network under test and the in-memory test
 * network `b`, and the channel `general` (created by `owner` on the first boot, found again on a
 * later one). Booting twice on the same folder is a restart. One place, so each suite states
 * only what it does across the restart.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import { createSlackAdapter } from '../../src/bridges/slack/index.js';
import { createBridgeRuntime, type BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { AdapterBuilder, LinkTarget, NetworkName } from '../../src/bridges/types.js';
import { silentLogger } from '../../src/core/options.js';
import type { ChannelId, MultichatNode, UserView } from '../../src/core/types.js';
import { createMappingStore, targetKeyOf } from '../../src/mapping/index.js';
import type { MappingStore } from '../../src/mapping/types.js';
import type { DiscordFake } from '../peers/discord-fake/index.js';
import type { FakeChannel, SlackFake } from '../peers/slack-fake/index.js';
import { tempNode } from './core.js';
import { createTestAdapter, type TestNetwork } from './test-adapter.js';

/** The target of `general` on the test network `b`. */
export const MAIN_ON_B = { channel: 'main' };
/** Its target key, where netB.at() finds what was carried there. */
export const AT_B = targetKeyOf('b' as NetworkName, MAIN_ON_B);

export interface RouterBootOptions {
  readonly dataDir: string;
  /** The adapter of the network under test. */
  readonly adapter: AdapterBuilder;
  /** The in-memory network the adapter's messages are carried to, as `b`. */
  readonly netB: TestNetwork;
  readonly pollIntervalMs: number;
  /** The local user who owns `general`. */
  readonly owner: string;
  /** Links `general` to this target of the network under test, and to MAIN_ON_B. */
  readonly link?: { readonly network: string; readonly target: LinkTarget };
}

export interface RouterProcess {
  readonly node: MultichatNode;
  readonly store: MappingStore;
  readonly runtime: BridgeRuntime;
  readonly owner: UserView;
  readonly general: ChannelId;
  /** Stops the runtime, the node and the store: the process ends. */
  stop(): Promise<void>;
}

export async function bootRouter(options: RouterBootOptions): Promise<RouterProcess> {
  const node = await tempNode({ dataDir: options.dataDir });
  const store = await createMappingStore({
    kind: 'sqlite',
    path: join(options.dataDir, 'mapping.db'),
  });
  await store.init();
  const runtime = createBridgeRuntime({
    node,
    store,
    logger: silentLogger,
    adapters: [options.adapter, createTestAdapter({ name: 'b', network: options.netB })],
    options: { pollIntervalMs: options.pollIntervalMs },
  });
  await runtime.start();
  const owner =
    node.findUserByName(options.owner) ?? (await node.createLocalUser(options.owner)).user;
  const general =
    node.findChannelByName('general')?.id ??
    ((await node.submit(owner.id, { kind: 'createChannel', name: 'general' })).channel
      ?.id as ChannelId);
  if (options.link) {
    await runtime.links.create({
      channel: 'general',
      network: options.link.network,
      target: options.link.target,
    });
    await runtime.links.create({ channel: 'general', network: 'b', target: MAIN_ON_B });
  }
  const stop = async () => {
    await runtime.stop(1_000);
    await node.stop();
    await store.close();
  };
  return { node, store, runtime, owner, general, stop };
}

/** bootRouter with the real Discord adapter on the Discord fake (no slash command), as `alice`. */
export function bootDiscordRouter(
  dataDir: string,
  fake: DiscordFake,
  netB: TestNetwork,
  link: boolean,
): Promise<RouterProcess> {
  return bootRouter({
    dataDir,
    netB,
    pollIntervalMs: 20,
    owner: 'alice',
    adapter: createDiscordAdapter(
      { token: fake.token, apiUrl: fake.apiUrl, slashCommand: false },
      'discord' as NetworkName,
    ),
    ...(link && { link: { network: 'discord', target: { channel: fake.channel.id } } }),
  });
}

/** bootRouter with the real Slack adapter (Socket Mode) on the Slack fake, as `alice`. */
export function bootSlackRouter(
  dataDir: string,
  fake: SlackFake,
  channel: FakeChannel,
  netB: TestNetwork,
  link: boolean,
): Promise<RouterProcess> {
  return bootRouter({
    dataDir,
    netB,
    pollIntervalMs: 20,
    owner: 'alice',
    adapter: createSlackAdapter(
      { botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl, mode: 'socket' },
      'slack' as NetworkName,
    ),
    ...(link && { link: { network: 'slack', target: { channel: channel.id } } }),
  });
}

/**
 * The backfilled messages of `channel` as the node reads them, by text: their createdAt (ms) and
 * whether they are marked imported (dated by the network's original time).
 */
export function datedByText(
  node: MultichatNode,
  channel: ChannelId,
): Map<string, { readonly at: number; readonly imported: boolean }> {
  return new Map(
    node
      .listMessages(channel, { limit: 500 })
      .map((m) => [
        m.text ?? '',
        { at: Date.parse(m.createdAt), imported: m.origin?.imported === true },
      ]),
  );
}

/**
 * What the backfill suites check on b after the restart: the missed messages all arrived in
 * order after 'before the stop', each of them and of `once` exactly once, and 'after the
 * restart' after the last one.
 */
export function expectBackfilled(
  seen: readonly string[],
  missed: readonly string[],
  once: readonly string[],
): void {
  expect(seen.filter((t) => missed.includes(t))).toEqual(missed);
  for (const t of [...missed, ...once])
    expect(
      seen.filter((s) => s === t),
      t,
    ).toHaveLength(1);
  expect(seen.indexOf('after the restart')).toBeGreaterThan(seen.indexOf(missed.at(-1) ?? ''));
  expect(seen.indexOf(missed[0] ?? '')).toBeGreaterThan(seen.indexOf('before the stop'));
}
