/**
 * The IRC bridge module (loaded lazily by `src/bridges/registry.ts` only when `bridges.irc` is
 * configured). `createAdapter(config, name)` does no I/O; `start()` connects every network.
 */
import type {
  AdapterBuilder,
  AdapterComponents,
  BridgeModule,
  NetworkName,
  TargetSchema,
} from '../types.js';
import { IrcAdapter } from './adapter.js';
import { resolveConfig } from './config.js';
import { ircTargetShape } from './target.js';

export { IrcAdapter, type IrcRoleChange } from './adapter.js';
export {
  resolveConfig,
  type IrcNetworkSettings,
  type IrcSettings,
  type IrcMode,
} from './config.js';
export type { IrcRole } from './roles.js';
export { ircTarget, ircTargetSchema, type IrcTarget } from './target.js';

/** `{network, channel}`; the adapter's own schema also checks the network is configured. */
export const targetSchema: TargetSchema = ircTargetShape;

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

export const ircBridge = { createAdapter, targetSchema } satisfies BridgeModule;
