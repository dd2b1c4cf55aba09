/**
 * How admin commands (status, links, users, outbox…) reach the running gateway: its URL and the
 * admin token, from the flags, the environment or the config, in that order.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { adminTokenPath, readToken } from '../admin-token.js';
import { loadConfig } from '../config/index.js';
import { CommandFailedError } from './errors.js';
import type { CliIo, CommandArgs } from './types.js';

/** The parseArgs options every admin command takes. */
export const adminOptions = {
  config: { type: 'string', short: 'c' },
  url: { type: 'string' },
  token: { type: 'string' },
} as const;

export const adminHelp = [
  ['--config FILE', 'config of the running gateway (finds its port, data dir and admin token)'],
  ['--url URL', 'base URL of the gateway (default: from the config)'],
  [
    '--token TOKEN',
    'admin token (default: $MULTICHAT_ADMIN_TOKEN, the config, <dataDir>/admin-token)',
  ],
] as const;

/** The URL a local client uses for a listener bound to `host` (wildcards mean loopback). */
export function clientUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Where the gateway may have written its admin token. A relative `node.dataDir` is relative to
 * the directory the gateway was started from, which the CLI cannot know: the current directory
 * is tried first, then the config file's own directory (the usual layout of a deploy).
 */
export function tokenFileCandidates(dataDir: string, configFile: string | undefined): string[] {
  if (isAbsolute(dataDir) || configFile === undefined) return [adminTokenPath(resolve(dataDir))];
  const fromCwd = adminTokenPath(resolve(dataDir));
  const fromConfig = adminTokenPath(resolve(dirname(resolve(configFile)), dataDir));
  return fromCwd === fromConfig ? [fromCwd] : [fromCwd, fromConfig];
}

/** Base URL and admin token of the running gateway. */
export async function adminTarget(
  args: CommandArgs,
  io: CliIo,
): Promise<{ base: string; token: string }> {
  const url = str(args.values.url)?.replace(/\/$/, '');
  let token = str(args.values.token) ?? str(io.env.MULTICHAT_ADMIN_TOKEN);
  if (token !== undefined && url !== undefined) return { base: url, token };
  const configFile = str(args.values.config) ?? str(io.env.MULTICHAT_CONFIG);
  const { config } = await loadConfig(configFile, io.env);
  token ??= config.http.adminToken;
  if (token === undefined) {
    const candidates = tokenFileCandidates(config.node.dataDir, configFile);
    for (const file of candidates) {
      token = await readToken(file);
      if (token !== undefined) break;
    }
    if (token === undefined) {
      throw new CommandFailedError(
        `no admin token: not given (--token, MULTICHAT_ADMIN_TOKEN, http.adminToken) and not in ${candidates.join(' or ')} (has the gateway started with this config?)`,
      );
    }
  }
  return { base: url ?? clientUrl(config.http.host, config.http.port), token };
}

/** One admin API call; a non-2xx answer is a CommandFailedError with the server's message. */
export async function adminRequest(
  args: CommandArgs,
  io: CliIo,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const { base, token } = await adminTarget(args, io);
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new CommandFailedError(`gateway not reachable at ${base}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not our JSON error shape: show the raw answer
    }
    throw new CommandFailedError(`gateway answered ${res.status}: ${message}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}
