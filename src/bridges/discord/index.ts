/**
 * The Discord bridge module (loaded lazily by `src/bridges/registry.ts` when `bridges.discord` is
 * configured): `createAdapter(config, name)` reads the config and returns a builder that makes
 * the adapter without any I/O; `start()` connects.
 */
import type { AdapterBuilder, AdapterComponents, BridgeModule, NetworkName } from '../types.js';
import { DiscordAdapter } from './adapter.js';
import { readConfig } from './config.js';
import { discordTargetSchema } from './target.js';

export { DiscordAdapter } from './adapter.js';
export type { DiscordConfig, MappedRole } from './config.js';
export type { LinkCommandHandler } from './slash.js';
export { discordRolesFor, multichatRoleOf } from './roles.js';
export { discordTarget, type DiscordTarget } from './target.js';

/** `{channel}` (or `{channel, thread}`): snowflakes. */
export const targetSchema = discordTargetSchema;

/** `createDiscordAdapter(config)(components)`. */
export function createDiscordAdapter(
  config: unknown,
  name = 'discord' as NetworkName,
): AdapterBuilder {
  const parsed = readConfig(config);
  return Object.assign(
    (components: AdapterComponents) => new DiscordAdapter(name, parsed, components),
    { network: name },
  );
}

export function createAdapter(config: unknown, name: NetworkName): AdapterBuilder {
  return createDiscordAdapter(config, name);
}

export default { createAdapter, targetSchema } satisfies BridgeModule;
