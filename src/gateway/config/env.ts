import { MissingEnvVarError } from './errors.js';

/** `${NAME}` or `${NAME:-fallback}`; `$${` stays a literal `${`. */
const PLACEHOLDER = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` placeholders in every string of a parsed YAML tree with values from `env`.
 * Runs before validation so a secret can fill any key; a missing variable without a fallback
 * throws MissingEnvVarError naming the key path (never the other keys' values).
 */
export function expandEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: readonly (string | number)[] = [],
  onMissing?: (error: MissingEnvVarError) => void,
): unknown {
  if (typeof value === 'string') return expandString(value, env, path, onMissing);
  if (Array.isArray(value)) {
    return value.map((v, i) => expandEnv(v, env, [...path, i], onMissing));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = expandEnv(v, env, [...path, k], onMissing);
    }
    return out;
  }
  return value;
}

/**
 * `onMissing`, when given, is told of every missing variable (which then expands to nothing)
 * instead of the first one throwing: `config check` reports them all at once.
 */
function expandString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  path: readonly (string | number)[],
  onMissing?: (error: MissingEnvVarError) => void,
): string {
  return text.replace(
    PLACEHOLDER,
    (_m, escaped: string | undefined, name: string, fallback: string | undefined) => {
      if (escaped) return `\${${name}${fallback === undefined ? '' : `:-${fallback}`}}`;
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      const missing = new MissingEnvVarError(formatPath(path), name);
      if (!onMissing) throw missing;
      onMissing(missing);
      return '';
    },
  );
}

/** `['links', 0, 'channel']` → `links[0].channel`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}
