/**
 * The adapter's view of `bridges.matrix` (validated by the gateway's schema in
 * `src/gateway/config/bridges/matrix.ts`; re-checked here by shape only, since an adapter must
 * not import the gateway).
 */
import { FetchPolicyError, readFetchPolicy, type FetchPolicyOptions } from '../net/index.js';
import { MatrixConfigError } from './errors.js';

export interface MatrixAdapterConfig {
  /** Client-server API base of the homeserver, e.g. http://localhost:8008. */
  readonly homeserverUrl: string;
  /** The homeserver's server name (the part after `:` in user ids). */
  readonly domain: string;
  /** Path of the appservice registration YAML. */
  readonly registration: string;
  /** Where the homeserver pushes transactions to us. */
  readonly listen: { readonly host: string; readonly port: number };
  /** Localpart prefix of ghost users and portal room aliases. */
  readonly userPrefix: string;
  /** Localpart of the bridge bot (registration `sender_localpart`). */
  readonly senderLocalpart: string;
  /** Registration `id`. */
  readonly id: string;
  /** URL the homeserver uses to reach `listen` (default `http://host:port`). */
  readonly url?: string;
  /** Matrix user ids allowed to run `!mc` commands. */
  readonly admins: readonly string[];
  /**
   * How avatars and attachments are fetched (the gateway's top-level `media:` section, handed
   * in by the bridge runtime): by default no private, loopback or other internal address.
   */
  readonly media: FetchPolicyOptions;
}

function str(raw: Record<string, unknown>, key: string, fallback?: string): string {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'string' || value.length === 0)
    throw new MatrixConfigError(key, 'expected a non-empty string');
  return value;
}

/** Reads the config section, filling the schema's defaults. @throws MatrixConfigError */
export function readMatrixConfig(config: unknown): MatrixAdapterConfig {
  if (typeof config !== 'object' || config === null)
    throw new MatrixConfigError('', 'expected a mapping');
  const raw = config as Record<string, unknown>;
  const listen = (raw['listen'] ?? {}) as Record<string, unknown>;
  const port = listen['port'] ?? 9000;
  if (typeof port !== 'number' || !Number.isInteger(port))
    throw new MatrixConfigError('listen.port', 'expected a port number');
  const admins = raw['admins'] ?? [];
  if (!Array.isArray(admins) || admins.some((a) => typeof a !== 'string')) {
    throw new MatrixConfigError('admins', 'expected a list of Matrix user ids');
  }
  const url = raw['url'];
  if (url !== undefined && typeof url !== 'string')
    throw new MatrixConfigError('url', 'expected a URL');
  return {
    homeserverUrl: str(raw, 'homeserverUrl').replace(/\/+$/, ''),
    domain: str(raw, 'domain'),
    registration: str(raw, 'registration', './registration.yaml'),
    listen: { host: typeof listen['host'] === 'string' ? listen['host'] : '127.0.0.1', port },
    userPrefix: str(raw, 'userPrefix', 'mc_'),
    senderLocalpart: str(raw, 'senderLocalpart', 'multichat'),
    id: str(raw, 'id', 'multichat'),
    ...(url !== undefined && { url }),
    admins: admins as string[],
    media: readMedia(raw['media']),
  };
}

function readMedia(raw: unknown): FetchPolicyOptions {
  try {
    return readFetchPolicy(raw);
  } catch (error) {
    if (error instanceof FetchPolicyError)
      throw new MatrixConfigError(error.setting, error.message);
    throw error;
  }
}

/** The URL the registration should carry for this config. */
export function appserviceUrl(config: MatrixAdapterConfig): string {
  if (config.url) return config.url.replace(/\/+$/, '');
  const host =
    config.listen.host === '0.0.0.0' || config.listen.host === '::'
      ? '127.0.0.1'
      : config.listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.listen.port}`;
}
