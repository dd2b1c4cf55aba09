/**
 * Runs `multichat start` as a separate process with the given `bridges` and `links` sections,
 * for end-to-end tests against the Discord fake: its own temp data dir, a free HTTP port, a
 * loopback P2P port, mDNS off. The process log goes to `<dir>/gateway.log`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import {
  callApi,
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../gateway-spawn.js';

const ADMIN_TOKEN = 'discord-e2e-admin-token-0123456789';

export interface GatewayRunOptions {
  readonly bridges: Record<string, unknown>;
  readonly links: readonly Record<string, unknown>[];
}

export class GatewayRun {
  private spawned: SpawnedGateway | undefined;

  private constructor(
    readonly dir: string,
    readonly httpUrl: string,
  ) {}

  /** Starts the gateway and waits for `/readyz` (every configured bridge connected). */
  static async start(options: GatewayRunOptions): Promise<GatewayRun> {
    const dir = mkdtempSync(join(tmpdir(), 'mc-discord-e2e-'));
    const httpPort = await freePort();
    const run = new GatewayRun(dir, `http://127.0.0.1:${httpPort}`);
    const config = writeGatewayConfig(dir, {
      httpPort,
      p2pPort: await freePort(),
      adminToken: ADMIN_TOKEN,
      logLevel: 'debug',
      bridges: options.bridges,
      links: options.links,
    });
    run.spawned = spawnGateway(dir, config);
    await waitForProbe(run.spawned, run.httpUrl, '/readyz', 'gateway', dir);
    return run;
  }

  log(): string {
    return readGatewayLog(this.dir);
  }

  /** Calls the HTTP API with the admin token; throws unless 2xx. */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await callApi<T>(this.httpUrl, ADMIN_TOKEN, method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} -> ${answer.status} ${answer.text}`);
    }
    return answer.body;
  }

  async destroy(): Promise<void> {
    await stopGateway(this.spawned);
    this.spawned = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
