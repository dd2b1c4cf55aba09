/**
 * The lazy registry of the bridge layer: a network name maps to a loader that imports the adapter
 * module only when that network is configured, so the SDK of an unconfigured network (discord.js,
 * bolt, the Matrix bridge library) is never loaded.
 */
import { AdapterLoadError, UnknownNetworkError } from './errors.js';
import type { BridgeModule, NetworkName } from './types.js';

/** Imports one adapter module. */
export type BridgeLoader = () => Promise<unknown>;

/**
 * Module paths are held in variables typed as string so the type checker does not require
 * adapters that are not written yet; each is still a static relative path, resolved at load.
 */
const modules: Readonly<Record<string, string>> = {
  irc: './irc/index.js',
  matrix: './matrix/index.js',
  discord: './discord/index.js',
  slack: './slack/index.js',
};

export interface BridgeRegistry {
  /** Every network the registry knows, whether or not its adapter is built. */
  knownNetworks(): NetworkName[];
  isKnownNetwork(name: string): name is NetworkName;
  /**
   * Imports the adapter module of `name`.
   * @throws UnknownNetworkError for a name the registry does not know.
   * @throws AdapterLoadError when the module is missing (not built yet), fails to load, or
   * exports something other than a schema as `targetSchema`.
   */
  load(name: string): Promise<BridgeModule>;
}

/** A registry over `loaders`; the gateway uses `bridgeRegistry`, tests pass their own. */
export function createBridgeRegistry(
  loaders: Readonly<Record<string, BridgeLoader>>,
): BridgeRegistry {
  const isKnownNetwork = (name: string): name is NetworkName => Object.hasOwn(loaders, name);
  const knownNetworks = () => Object.keys(loaders) as NetworkName[];
  return {
    knownNetworks,
    isKnownNetwork,
    async load(name) {
      const loader = isKnownNetwork(name) ? loaders[name] : undefined;
      if (!loader) throw new UnknownNetworkError(name, knownNetworks());
      let loaded: unknown;
      try {
        loaded = await loader();
      } catch (error) {
        throw new AdapterLoadError(name, error);
      }
      const module = loaded as Partial<BridgeModule> | undefined;
      if (typeof module?.createAdapter !== 'function') {
        throw new AdapterLoadError(name, new Error('the module does not export createAdapter'));
      }
      // Optional, but when exported it must be a schema: tools call safeParse on it.
      if (
        module.targetSchema !== undefined &&
        typeof module.targetSchema?.safeParse !== 'function'
      ) {
        throw new AdapterLoadError(name, new Error('its targetSchema is not a schema'));
      }
      return module as BridgeModule;
    },
  };
}

/** The built-in networks, each loaded only when configured. */
export const bridgeRegistry: BridgeRegistry = createBridgeRegistry(
  Object.fromEntries(Object.entries(modules).map(([name, path]) => [name, () => import(path)])),
);

/** `bridgeRegistry.load`. */
export function loadBridge(name: string): Promise<BridgeModule> {
  return bridgeRegistry.load(name);
}
