/**
 * Keeps secrets out of config error messages — and defines what a secret is for the logger too
 * (`isSecretKey`, `stripUrlCredentials`). A config error is printed to the terminal and often
 * pasted into bug reports, so a value is shown only when neither its key nor any key inside it
 * is a secret, and URLs lose their `user:password@` part.
 */

/**
 * What is secret, for config errors and log lines alike: the secrets the gateway knows it
 * handles (config keys, HTTP headers, the Matrix registration) — these are also pino's
 * shallow redact paths — and any key that contains one of the words in `SECRET_KEY`. A bare
 * `key` is not one: the runtime logs outbox and idempotency keys under that name.
 */
export const SECRET_KEY_NAMES = [
  'token',
  'adminToken',
  'metricsToken',
  'botToken',
  'appToken',
  'asToken',
  'hsToken',
  'as_token',
  'hs_token',
  'password',
  'passwd',
  'secret',
  'signingSecret',
  'privateKey',
  'apiKey',
  'sasl_key',
  'credentials',
  'auth',
  'authorization',
  'proxy-authorization',
  'cookie',
] as const;

const SECRET_KEY =
  /token|passw(?:or)?d|secret|credential|cookie|authorization|private_?key|api[-_]?key|[-_.]key$|(?:^|[-_.])auth$/i;

/** Limits named after what they count (`maxStreamsPerToken`) are numbers, not secrets. */
const LIMIT_KEY = /^(max|min)[A-Z0-9]/;

/** True when the value under `key` is a secret (`botToken`, `sasl.password`, `Cookie`…). */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) && !LIMIT_KEY.test(key);

/** True when any key along `path` names a secret (e.g. `bridges.irc.networks.x.sasl.password`). */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((part) => typeof part === 'string' && isSecretKey(part));
}

/**
 * How a value found at `path` may appear in an error: its type only ("a number (value hidden)")
 * under a secret key, else its JSON with nested secret keys hidden and URL credentials removed,
 * cut to 80 characters.
 */
export function showValue(path: readonly PropertyKey[], value: unknown): string {
  if (isSecretPath(path)) return `${describeType(value)} (value hidden)`;
  const text = JSON.stringify(redactTree(value)) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "a number", "an array", "a string of 5 characters", … (never the value itself). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string of ${value.length} characters`;
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return `a ${typeof value}`;
  }
}

const HIDDEN = '(hidden)';

/** A copy of `value` with secret-named keys' values replaced and URL credentials removed. */
export function redactTree(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return stripUrlCredentials(value);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactTree(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) ? HIDDEN : redactTree(v, depth + 1);
  }
  return out;
}

/** `postgres://user:pw@host/db` → `postgres://***@host/db`. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
