/**
 * Runs a Multichat gateway as a separate process (`node bin/multichat.mjs start --config …`) with
 * its own data dir, a free HTTP port and a fixed loopback P2P port (kept across restarts so peers
 * can redial it), mDNS off and bootstrap to the given peers. Offers helpers for the HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_TOKEN = 'p2p-test-admin-token';

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

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
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  httpUrl = '';
  peerId = '';
  /** P2P multiaddr with /p2p/<peerId>. */
  address = '';

  private constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly p2pPort: number,
    private bootstrap: string[],
  ) {}

  /** Starts a new gateway in a fresh temp data dir. */
  static async start(name: string, bootstrap: string[] = []): Promise<GatewayProcess> {
    const dir = mkdtempSync(join(tmpdir(), `mc-${name}-`));
    const gateway = new GatewayProcess(name, dir, await freePort(), bootstrap);
    await gateway.launch();
    return gateway;
  }

  /** Starts the process again on the same data dir and P2P port (after stop()). */
  async restart(bootstrap = this.bootstrap): Promise<void> {
    this.bootstrap = bootstrap;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const httpPort = await freePort();
    const config = join(this.dataDir, 'config.json');
    // JSON is YAML: no YAML writer needed.
    writeFileSync(
      config,
      JSON.stringify({
        node: {
          dataDir: join(this.dataDir, 'data'),
          listen: [`/ip4/127.0.0.1/tcp/${this.p2pPort}`],
          bootstrap: this.bootstrap,
          mdns: false,
        },
        http: {
          host: '127.0.0.1',
          port: httpPort,
          adminToken: ADMIN_TOKEN,
          rateLimit: { perSecond: 100_000, burst: 100_000 },
        },
        log: { level: 'info', format: 'json' },
      }),
    );
    const log = createWriteStream(join(this.dataDir, 'gateway.log'), { flags: 'a' });
    const child = spawn(process.execPath, ['bin/multichat.mjs', 'start', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, MULTICHAT_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
    await this.waitHealthy();
    const status = await this.status();
    this.peerId = status.peerId;
    this.address = status.listen.find((a) => a.includes('/tcp/')) ?? '';
  }

  private async waitHealthy(): Promise<void> {
    const until = Date.now() + 60_000;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < until) {
      if (exitCode !== undefined) {
        throw new Error(`${this.name} exited with ${exitCode}; see ${this.dataDir}/gateway.log`);
      }
      try {
        const res = await fetch(`${this.httpUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not become healthy; see ${this.dataDir}/gateway.log`);
  }

  /** Stops with SIGTERM and waits for a clean exit. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    this.child = undefined;
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
    const res = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
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
