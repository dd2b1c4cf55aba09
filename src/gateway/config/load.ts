import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { expandEnv } from './env.js';
import { ConfigFileError, ConfigValidationError } from './errors.js';
import { describeIssues } from './issues.js';
import { configSchema, type GatewayConfig } from './schema.js';

/** Where the effective config came from, for the startup line. */
export type ConfigSource = { kind: 'file'; path: string } | { kind: 'embedded' };

export interface LoadedConfig {
  readonly config: GatewayConfig;
  readonly source: ConfigSource;
}

/**
 * Validates a parsed (not yet env-expanded) config tree. Throws MissingEnvVarError or
 * ConfigValidationError; `{}` (or null, an empty file) gives the embedded default.
 */
export function parseConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
): GatewayConfig {
  const expanded = expandEnv(raw ?? {}, env);
  const result = configSchema.safeParse(expanded);
  if (!result.success) {
    throw new ConfigValidationError(describeIssues(result.error.issues, configSchema, expanded));
  }
  return result.data;
}

/**
 * Loads the config: `path` (from `--config`), else `$MULTICHAT_CONFIG`, else the embedded
 * default. Blocks on one file read.
 */
export async function loadConfig(
  path: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedConfig> {
  const file = path ?? (env.MULTICHAT_CONFIG || undefined);
  if (file === undefined) return { config: parseConfig({}, env), source: { kind: 'embedded' } };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // Only the first line: the YAML parser appends the offending source line, which may be a
    // secret (`password: [hunter2`).
    const reason = (err as Error).message.split('\n')[0];
    throw new ConfigFileError(file, `not valid YAML: ${reason}`);
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigFileError(file, 'the top level must be a mapping of keys (node, http, …)');
  }
  return { config: parseConfig(raw, env), source: { kind: 'file', path: file } };
}
