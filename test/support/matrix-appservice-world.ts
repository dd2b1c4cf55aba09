/**
 * The world the Matrix appservice suites share: a real Synapse, a real core node and SQLite
 * mapping store, the bridge runtime with the Matrix adapter (and whatever other adapters the
 * suite brings), a local owner who created the channel `general`, and one real Matrix person
 * whose room `general` is linked to it. One place, so each suite states only what it tests.
 */
import { join } from 'node:path';
import { createAdapter } from '../../src/bridges/matrix/index.js';
import {
  createBridgeRuntime,
  type BridgeRuntime,
  type RuntimeOptions,
} from '../../src/bridges/runtime/index.js';
import type { AdapterBuilder, NetworkName } from '../../src/bridges/types.js';
import { silentLogger } from '../../src/core/options.js';
import type { ChannelId, MultichatNode, UserView } from '../../src/core/types.js';
import { createMappingStore } from '../../src/mapping/index.js';
import type { MappingStore } from '../../src/mapping/types.js';
import { startMatrixWorld, type MatrixWorld } from '../integration/matrix-setup.js';
import { tempDir, tempNode } from './core.js';
import { MatrixTestClient } from './matrix-client.js';

/** Fast polling and short restarts: the suites wait for deliveries, not for retries. */
const FAST_RUNTIME: Partial<RuntimeOptions> = {
  pollIntervalMs: 50,
  backoff: { baseMs: 200, maxMs: 1_000, jitter: 0 },
};

export interface MatrixAppserviceOptions {
  /** Prefix of the temporary data folder (node and mapping store). */
  readonly dataDirPrefix: string;
  /** The local user who creates the channel `general`. */
  readonly owner: string;
  /** The Matrix person who creates and links the room `general`; displayName set first. */
  readonly person: { readonly name: string; readonly displayName?: string };
  /** The Matrix adapter; the plain one when absent (a suite may wrap it to watch it). */
  readonly matrix?: (world: MatrixWorld) => AdapterBuilder;
  /** The adapters besides Matrix's, built once Synapse runs. */
  readonly others?: (world: MatrixWorld) => readonly AdapterBuilder[];
  /** Runtime options; FAST_RUNTIME when absent. */
  readonly runtime?: Partial<RuntimeOptions>;
}

export interface MatrixAppserviceWorld {
  readonly world: MatrixWorld;
  readonly node: MultichatNode;
  readonly store: MappingStore;
  readonly runtime: BridgeRuntime;
  readonly owner: UserView;
  readonly general: ChannelId;
  readonly person: MatrixTestClient;
  /** The person's Matrix room, linked to `general`. */
  readonly room: string;
}

type Started = { -readonly [K in keyof MatrixAppserviceWorld]?: MatrixAppserviceWorld[K] };

/** Starts the whole world; resolves once the runtime runs and the room is linked. */
export async function startMatrixAppservice(
  options: MatrixAppserviceOptions,
): Promise<MatrixAppserviceWorld> {
  // Filled as each part starts, so a failure part way stops what did start.
  const w: Started = {};
  try {
    const world = (w.world = await startMatrixWorld());
    const dataDir = tempDir(options.dataDirPrefix);
    const node = (w.node = await tempNode({ dataDir }));
    const store = (w.store = await createMappingStore({
      kind: 'sqlite',
      path: join(dataDir, 'mapping.db'),
    }));
    await store.init();
    const runtime = (w.runtime = createBridgeRuntime({
      node,
      store,
      logger: silentLogger,
      adapters: [
        options.matrix?.(world) ?? createAdapter(world.config, 'matrix' as NetworkName),
        ...(options.others?.(world) ?? []),
      ],
      options: options.runtime ?? FAST_RUNTIME,
    }));
    await runtime.start();
    const owner = (await node.createLocalUser(options.owner)).user;
    const general = (await node.submit(owner.id, { kind: 'createChannel', name: 'general' }))
      .channel?.id as ChannelId;
    const person = await MatrixTestClient.register(world.synapse.url, options.person.name);
    if (options.person.displayName !== undefined)
      await person.call(
        'PUT',
        `/_matrix/client/v3/profile/${encodeURIComponent(person.userId)}/displayname`,
        { displayname: options.person.displayName },
      );
    const room = await person.createRoom({ name: 'general' });
    await runtime.links.create({ channel: 'general', network: 'matrix', target: { room } });
    return { world, node, store, runtime, owner, general, person, room };
  } catch (error) {
    await stopMatrixAppservice(w);
    throw error;
  }
}

/** Stops what started, in reverse order; safe on a partly started world. */
export async function stopMatrixAppservice(w: Started | undefined): Promise<void> {
  await w?.runtime?.stop(100);
  await w?.store?.close();
  await w?.world?.stop();
}
