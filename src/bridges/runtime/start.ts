/**
 * Startup glue for the gateway: opens the mapping store, loads the configured adapters through
 * the lazy registry (an unconfigured network's SDK is never imported), starts the runtime and
 * applies the `links:` config section. Takes plain values, not the gateway's config type, so the
 * bridge layer does not depend on the gateway.
 */
import { join } from 'node:path';
import type { MultichatNode } from '../../core/types.js';
import { createMappingStore } from '../../mapping/index.js';
import type { MappingStore } from '../../mapping/types.js';
import { loadBridge } from '../registry.js';
import type { AdapterBuilder, AdapterHealth, AdapterLogger, NetworkName } from '../types.js';
import type { MediaLinks } from './context.js';
import { linkRequestsFromConfig } from './links.js';
import { createBridgeRuntime, type BridgeRuntime } from './router.js';

export interface StartBridgesOptions {
  readonly node: MultichatNode;
  readonly logger: AdapterLogger & { child(bindings: object): AdapterLogger };
  /** The SQLite mapping store lives at `<dataDir>/mapping.db`. */
  readonly dataDir: string;
  readonly store: {
    readonly kind: 'sqlite' | 'postgres';
    readonly url?: string | undefined;
    /** `store.maxHeldInbound` (runtime/inbound-hold.ts); default 10,000. */
    readonly maxHeldInbound?: number | undefined;
  };
  /** The `bridges:` section: network name → its validated config; absent networks are off. */
  readonly bridges: Readonly<Record<string, unknown>>;
  /** The `links:` section as validated. */
  readonly links: readonly Readonly<Record<string, unknown>>[];
  /**
   * The `media:` section (how files are fetched for others): every adapter finds it as the
   * `media` key of its own section. Absent: the fetch module's strict defaults.
   */
  readonly media?: Readonly<Record<string, unknown>>;
  /**
   * Signed links to the gateway's media endpoint, for files sent as links (IRC, failed
   * uploads). Absent: relative `/api/v1/media/<hash>` paths.
   */
  readonly mediaLinks?: MediaLinks;
  /** The `retention:` section: `deleteOriginals` (default false), see RuntimeOptions. */
  readonly retention?: { readonly deleteOriginals?: boolean };
}

export interface RunningBridges {
  readonly runtime: BridgeRuntime;
  readonly store: MappingStore;
  /** Health per configured network in the gateway's status vocabulary. */
  health(): Record<
    string,
    { state: 'starting' | 'connected' | 'reconnecting' | 'failed' | 'stopped'; detail?: string }
  >;
  /** Stops the runtime (and its adapters), then closes the store. */
  stop(): Promise<void>;
}

export async function startBridges(options: StartBridgesOptions): Promise<RunningBridges> {
  const logger = options.logger.child({ module: 'bridges' });
  const store = await createMappingStore(
    options.store.kind === 'postgres'
      ? { kind: 'postgres', url: options.store.url ?? '' }
      : { kind: 'sqlite', path: join(options.dataDir, 'mapping.db') },
  );
  await store.init();
  try {
    const builders: AdapterBuilder[] = [];
    for (const [name, config] of Object.entries(options.bridges)) {
      if (config === undefined) continue;
      const module = await loadBridge(name);
      const section =
        options.media && typeof config === 'object' && config !== null
          ? { ...config, media: options.media }
          : config;
      builders.push(module.createAdapter(section, name as NetworkName));
    }
    const maxBytes = options.media?.maxBytes;
    const runtime = createBridgeRuntime({
      node: options.node,
      store,
      adapters: builders,
      logger,
      options: {
        ...(typeof maxBytes === 'number' && { mediaMaxBytes: maxBytes }),
        ...(options.mediaLinks && { mediaLinks: options.mediaLinks }),
        deleteOriginals: options.retention?.deleteOriginals ?? false,
        ...(options.store.maxHeldInbound !== undefined && {
          maxHeldInbound: options.store.maxHeldInbound,
        }),
      },
    });
    await runtime.start();
    await runtime.links.applyConfig(linkRequestsFromConfig(options.links));
    await runtime.links.reopen();
    return {
      runtime,
      store,
      health: () =>
        Object.fromEntries(Object.entries(runtime.health()).map(([n, h]) => [n, toStatus(h)])),
      async stop() {
        await runtime.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

function toStatus(h: AdapterHealth) {
  const state = h.state === 'connecting' ? ('starting' as const) : h.state;
  return h.detail === undefined ? { state } : { state, detail: h.detail };
}
