/**
 * The IRC bridge module (loaded lazily by `src/bridges/registry.ts` only when `bridges.irc` is
 * configured). `createAdapter(config, name)` does no I/O; `start()` connects every network.
 */
import type { AdapterBuilder, AdapterComponents, BridgeModule, NetworkName } from '../types.js';
import { IrcAdapter } from './adapter.js';
import { resolveConfig } from './config.js';

export { IrcAdapter, type IrcRoleChange } from './adapter.js';
export {
  resolveConfig,
  type IrcNetworkSettings,
  type IrcSettings,
  type IrcMode,
} from './config.js';
export type { IrcRole } from './roles.js';

/** `bridges.irc` config → an adapter builder. */
export function createAdapter(
  config: unknown,
  name: NetworkName = 'irc' as NetworkName,
): AdapterBuilder {
  const settings = resolveConfig(config);
  return Object.assign(
    (components: AdapterComponents) => new IrcAdapter(name, settings, components),
    { network: name },
  );
}

export const ircBridge = { createAdapter } satisfies BridgeModule;
