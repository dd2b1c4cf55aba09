/**
 * Runs a Multichat gateway as a separate process (`node bin/multichat.mjs start --config …`) with
 * its own data dir, a free HTTP port and a fixed loopback P2P port (kept across restarts so peers
 * can redial it), mDNS off and bootstrap to the given peers. Offers helpers for the HTTP API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import {
  callApi,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from './gateway-spawn.js';

export { freePort };
export const ADMIN_TOKEN = 'p2p-test-admin-token-0123456789abc';

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface MessageJson {
  readonly id: string;
  readonly text: string | null;
  readonly sender: { id: string; username: string };
}

export class GatewayProcess {
  private spawned: SpawnedGateway | undefined;
  httpUrl = '';
  peerId = '';
  /** P2P multiaddr with /p2p/<peerId>. */
  address = '';

  private constructor(
    readonly name: string,
    readonly dataDir: string,
    private p2pPortNow: number,
    private bootstrap: string[],
  ) {}

  get p2pPort(): number {
    return this.p2pPortNow;
  }

  /**
   * Starts a new gateway in a fresh temp data dir. A port another process took between our probe
   * and the gateway's bind (EADDRINUSE) is retried with new ports; nothing else is.
   */
  static async start(name: string, bootstrap: string[] = []): Promise<GatewayProcess> {
    const dir = mkdtempSync(join(tmpdir(), `mc-${name}-`));
    const gateway = new GatewayProcess(name, dir, await freePort(), bootstrap);
    for (let attempt = 1; ; attempt++) {
      try {
        await gateway.launch();
        return gateway;
      } catch (err) {
        if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
        await gateway.stop().catch(() => undefined);
        gateway.p2pPortNow = await freePort();
      }
    }
  }

  /** Starts the process again on the same data dir and P2P port (after stop()). */
  async restart(bootstrap = this.bootstrap): Promise<void> {
    this.bootstrap = bootstrap;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const httpPort = await freePort();
    const config = writeGatewayConfig(this.dataDir, {
      httpPort,
      p2pPort: this.p2pPort,
      adminToken: ADMIN_TOKEN,
      bootstrap: this.bootstrap,
    });
    this.spawned = spawnGateway(this.dataDir, config);
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
    await waitForProbe(this.spawned, this.httpUrl, '/healthz', this.name, this.dataDir);
    const status = await this.status();
    this.peerId = status.peerId;
    this.address = status.listen.find((a) => a.includes('/tcp/')) ?? '';
  }

  /** Stops with SIGTERM and waits for a clean exit. */
  async stop(): Promise<number | null> {
    const code = await stopGateway(this.spawned);
    this.spawned = undefined;
    return code;
  }

  /** Stops the process and deletes the data dir. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Refuses connections with these peers (the node watches `<dataDir>/denied-peers`). */
  deny(peerIds: readonly string[]): void {
    writeFileSync(join(this.dataDir, 'data', 'denied-peers'), peerIds.join('\n') + '\n');
  }

  async api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = ADMIN_TOKEN,
  ): Promise<ApiAnswer<T>> {
    const { status, body: answer } = await callApi<T>(this.httpUrl, token, method, path, body);
    return { status, body: answer };
  }

  /** Like api() but throws unless the status is 2xx. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const answer = await this.api<T>(method, path, body, token);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(
        `${this.name} ${method} ${path} -> ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  status(): Promise<{ peerId: string; peers: number; listen: string[]; sync?: unknown }> {
    return this.ok('GET', '/api/v1/status');
  }

  createUser(username: string): Promise<{ id: string; token: string }> {
    return this.ok('POST', '/api/v1/users', { username });
  }

  async createChannel(token: string, name: string): Promise<string> {
    return (await this.ok<{ id: string }>('POST', '/api/v1/channels', { name }, token)).id;
  }

  join(token: string, channel: string): Promise<unknown> {
    return this.ok('POST', `/api/v1/channels/${channel}/join`, undefined, token);
  }

  post(token: string, channel: string, text: string): Promise<MessageJson> {
    return this.ok('POST', `/api/v1/channels/${channel}/messages`, { text }, token);
  }

  /** The whole history of a channel, oldest first (the API pages back from the newest). */
  async history(token: string, channel: string): Promise<MessageJson[]> {
    let all: MessageJson[] = [];
    for (;;) {
      const before = all.length ? `&before=${all[0]!.id}` : '';
      const page = await this.ok<{ messages: MessageJson[] }>(
        'GET',
        `/api/v1/channels/${channel}/messages?limit=500${before}`,
        undefined,
        token,
      );
      all = [...page.messages, ...all];
      if (page.messages.length < 500) return all;
    }
  }
}
