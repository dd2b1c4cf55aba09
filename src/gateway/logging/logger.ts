import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { SECRET_KEY_NAMES, isSecretKey, stripUrlCredentials } from '../config/redact.js';

/** Exact paths that hold secrets under a non-secret-looking name (a Postgres URL has a password). */
const EXTRA_PATHS = [
  'store.url',
  'config.store.url',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

const CENSOR = '[Redacted]';

/** pino/fast-redact paths for the shallow cases (`key`, `*.key`) and the extra exact paths. */
export function redactPaths(): string[] {
  // fast-redact takes identifiers in dot paths and anything else in brackets.
  const paths = SECRET_KEY_NAMES.map((k) => (/^[A-Za-z_]\w*$/.test(k) ? k : `["${k}"]`));
  return [...EXTRA_PATHS, ...paths, ...paths.map((k) => (k.startsWith('[') ? `*${k}` : `*.${k}`))];
}

/**
 * Copies plain objects and arrays, replacing the value of every secret key (`isSecretKey`, the
 * same rule as config errors) at any depth and removing `user:password@` from URLs in strings.
 * fast-redact paths need one pattern per depth, and bridge configs nest secrets deeply
 * (bridges.irc.networks.NAME.sasl.password), so the deep cases are walked here.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return stripUrlCredentials(value);
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((v) => redactDeep(v, depth + 1, seen));
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) || isExtraPath(k, value) ? CENSOR : redactDeep(v, depth + 1, seen);
  }
  return out;
}

/** `store.url` may embed a Postgres password: hide `url` beside `kind: postgres|sqlite`. */
function isExtraPath(key: string, parent: object): boolean {
  return key === 'url' && 'kind' in parent;
}

export interface LoggerOptions {
  readonly level: string;
  readonly format: 'json' | 'pretty';
  /** Where lines go; stdout by default. Tests pass a collecting stream. */
  readonly destination?: DestinationStream;
}

/**
 * The gateway's logger: JSON lines by default, human-readable with `format: pretty`. Secrets
 * (tokens, passwords, keys, Authorization headers) are replaced by "[Redacted]".
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: redactPaths(), censor: CENSOR },
    formatters: {
      log: (obj: Record<string, unknown>) => redactDeep(obj) as Record<string, unknown>,
    },
  };
  if (options.format === 'pretty') {
    const out = pretty({ destination: options.destination ?? 1, sync: true, colorize: false });
    return pino(base, out);
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

export type { Logger };
