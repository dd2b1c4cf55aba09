/** Gateway config: one zod schema that validates the YAML of shared/API.md and types it. */
export * from './errors.js';
export { expandEnv, formatPath } from './env.js';
export { describeIssues, closest } from './issues.js';
export { loadConfig, parseConfig } from './load.js';
export type { ConfigSource, LoadedConfig } from './load.js';
export { configSchema } from './schema.js';
export type { GatewayConfig } from './schema.js';
export * from './bridges/index.js';
export type { LinkConfig } from './links.js';
