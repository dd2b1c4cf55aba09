/**
 * The Slack bridge module (loaded lazily by `src/bridges/registry.ts` when `bridges.slack` is
 * configured): `createAdapter(config, name)` reads the config and returns a builder that makes
 * the adapter without any I/O; `start()` calls `auth.test` and connects the receiver.
 */
import type { AdapterBuilder, AdapterComponents, BridgeModule, NetworkName } from '../types.js';
import { SlackAdapter } from './adapter.js';
import { readConfig } from './config.js';
import { slackTargetSchema } from './target.js';

export { SlackAdapter } from './adapter.js';
export type { SlackConfig, SlackMode } from './config.js';
export type { LinkCommandHandler } from '../link-commands.js';
export { emojiOfName, nameOfEmoji } from './emoji.js';
export { slackTarget, type SlackTarget } from './target.js';

/** `{channel}`: an id (C0123ABCD) or a name (#general). */
export const targetSchema = slackTargetSchema;

/** `createSlackAdapter(config)(components)`. */
export function createSlackAdapter(config: unknown, name = 'slack' as NetworkName): AdapterBuilder {
  const parsed = readConfig(config);
  return Object.assign(
    (components: AdapterComponents) => new SlackAdapter(name, parsed, components),
    { network: name },
  );
}

export function createAdapter(config: unknown, name: NetworkName): AdapterBuilder {
  return createSlackAdapter(config, name);
}

export default { createAdapter, targetSchema } satisfies BridgeModule;
