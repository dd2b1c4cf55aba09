import { adminTokenPath, readToken } from '../../admin-token.js';
import { loadConfig } from '../../config/index.js';
import { CommandFailedError } from '../errors.js';
import type { Command } from '../types.js';

/** The URL a local client uses for a listener bound to `host` (wildcards mean loopback). */
export function clientUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** `status`: asks the running gateway for GET /api/v1/status with the admin token. */
export const statusCommand: Command = {
  name: 'status',
  summary: "print the running gateway's status (address, peers, channels, bridges)",
  usage: 'status [--config FILE] [--url URL]',
  help: [
    ['--config FILE', 'config of the running gateway (finds its port and admin token)'],
    ['--url URL', 'base URL of the gateway (default: from the config)'],
  ],
  options: { config: { type: 'string', short: 'c' }, url: { type: 'string' } },
  positionals: [0, 0],
  async run(args, io) {
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    const { config } = await loadConfig(configPath, io.env);
    const tokenFile = adminTokenPath(config.node.dataDir);
    const token = config.http.adminToken ?? (await readToken(tokenFile));
    if (token === undefined) {
      throw new CommandFailedError(
        `no admin token: ${tokenFile} is missing (has the gateway started?)`,
      );
    }
    const base =
      typeof args.values.url === 'string'
        ? args.values.url.replace(/\/$/, '')
        : clientUrl(config.http.host, config.http.port);
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1/status`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new CommandFailedError(`gateway not reachable at ${base}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await res.text();
    if (!res.ok) throw new CommandFailedError(`gateway answered ${res.status}: ${text}`);
    io.out(JSON.stringify(JSON.parse(text), null, 2));
    return 0;
  },
};
