/**
 * Runs `multichat start` as a separate process with an IRC bridge section and links, for the
 * two-gateway IRC test and the relay benchmark: its own temp data dir, a free HTTP port, a fixed
 * loopback P2P port, mDNS off, bootstrap to the given peers. Log lines go to `<dir>/gateway.log`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../peers/free-port.js';
import {
  callApi,
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';
export const IRC_GATEWAY_TOKEN = 'irc-test-admin-token-0123456789abc';

export interface IrcGatewayOptions {
  readonly name: string;
  /** `bridges.irc` section. */
  readonly irc: Record<string, unknown>;
  /** `links` section. */
  readonly links: readonly Record<string, unknown>[];
  readonly bootstrap?: readonly string[];
  readonly logLevel?: string;
}

export class IrcGateway {
  private spawned: SpawnedGateway | undefined;
  httpUrl = '';
  /** P2P multiaddr with /p2p/<peerId>. */
  address = '';

  private constructor(
    readonly options: IrcGatewayOptions,
    readonly dir: string,
    readonly p2pPort: number,
  ) {}

  static async start(options: IrcGatewayOptions): Promise<IrcGateway> {
    const dir = mkdtempSync(join(tmpdir(), `mc-irc-${options.name}-`));
    const gateway = new IrcGateway(options, dir, await freePort());
    await gateway.launch();
    return gateway;
  }

  /** The gateway's log so far (for failure messages). */
  log(): string {
    return readGatewayLog(this.dir);
  }

  private async launch(): Promise<void> {
    const httpPort = await freePort();
    const config = writeGatewayConfig(this.dir, {
      httpPort,
      p2pPort: this.p2pPort,
      adminToken: IRC_GATEWAY_TOKEN,
      bootstrap: this.options.bootstrap ?? [],
      logLevel: this.options.logLevel ?? 'info',
      bridges: { irc: this.options.irc },
      links: this.options.links,
    });
    this.spawned = spawnGateway(this.dir, config);
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
    await waitForProbe(this.spawned, this.httpUrl, '/healthz', this.options.name, this.dir);
    const status = await this.api<{ peerId: string; listen: string[] }>('GET', '/api/v1/status');
    this.address = status.listen.find((a) => a.includes('/tcp/')) ?? '';
  }

  /** Calls the HTTP API with the admin token (or `token`); throws unless 2xx. */
  async api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = IRC_GATEWAY_TOKEN,
  ): Promise<T> {
    const answer = await callApi<T>(this.httpUrl, token, method, path, body);
    if (answer.status < 200 || answer.status > 299)
      throw new Error(`${this.options.name} ${method} ${path} -> ${answer.status} ${answer.text}`);
    return answer.body;
  }

  /** Stops with SIGTERM, waits for the exit, deletes the data dir. */
  async destroy(): Promise<void> {
    await stopGateway(this.spawned);
    this.spawned = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
