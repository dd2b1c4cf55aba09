/**
 * Public entry of the bridge layer and its lazy registry: a network name maps to a loader that
 * imports the adapter module only when that network is configured, so the SDK of an unconfigured
 * network (discord.js, bolt, the Matrix bridge library) is never loaded.
 */
import { AdapterLoadError, UnknownNetworkError } from './errors.js';
import type { BridgeModule, NetworkName } from './types.js';

export type * from './types.js';
export * from './errors.js';
export * from './runtime/guards.js';

type Loader = () => Promise<BridgeModule>;

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

const loaders: Readonly<Record<string, Loader>> = Object.fromEntries(
  Object.entries(modules).map(([name, path]) => [
    name,
    () => import(path) as Promise<BridgeModule>,
  ]),
);

/** Every network the registry knows, whether or not its adapter is built. */
export function knownNetworks(): NetworkName[] {
  return Object.keys(loaders) as NetworkName[];
}

export function isKnownNetwork(name: string): name is NetworkName {
  return Object.hasOwn(loaders, name);
}

/**
 * Imports the adapter module of `name`.
 * @throws UnknownNetworkError for a name the registry does not know.
 * @throws AdapterLoadError when the module is missing (not built yet) or fails to load.
 */
export async function loadBridge(name: string): Promise<BridgeModule> {
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
  return module as BridgeModule;
}
