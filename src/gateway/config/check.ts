/**
 * `multichat config check FILE`: every problem of a config at once (each missing environment
 * variable, each schema issue), where `loadConfig` stops at the first missing variable.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { expandEnv, formatPath } from './env.js';
import type { MissingEnvVarError } from './errors.js';
import { describeIssues } from './issues.js';
import { configSchema } from './schema.js';

export interface ConfigCheck {
  /** One readable line per problem, in file order: missing variables first. */
  readonly problems: readonly string[];
}

/** Checks a config file; never throws for a problem of the file, it lists it. */
export async function checkConfigFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { problems: [`${file}: cannot read: ${(err as Error).message}`] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // First line only: the parser quotes the source line, which may hold a secret.
    return { problems: [`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    return { problems: [`${file}: the top level must be a mapping of keys (node, http, …)`] };
  }
  return checkConfigTree(raw ?? {}, env);
}

/** The problems of a parsed (not yet expanded) config tree. */
export function checkConfigTree(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
): ConfigCheck {
  const missing: MissingEnvVarError[] = [];
  const expanded = expandEnv(raw, env, [], (e) => missing.push(e));
  const problems = missing.map((e) => e.message);
  const result = configSchema.safeParse(expanded);
  if (!result.success) {
    // A key whose variable is missing expanded to '': its schema issues only repeat that.
    const unset = new Set(missing.map((e) => e.key));
    const issues = result.error.issues.filter((i) => !unset.has(formatPath(i.path)));
    problems.push(...describeIssues(issues, configSchema, expanded));
  }
  return { problems };
}
