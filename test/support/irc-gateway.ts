/**
 * Runs `multichat start` as a separate process with an IRC bridge section and links, for the
 * two-gateway IRC test and the relay benchmark: its own temp data dir, a free HTTP port, a fixed
 * loopback P2P port, mDNS off, bootstrap to the given peers. Log lines go to `<dir>/gateway.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../peers/free-port.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const IRC_GATEWAY_TOKEN = 'irc-test-admin-token';

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
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
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
    try {
      return readFileSync(join(this.dir, 'gateway.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async launch(): Promise<void> {
    const httpPort = await freePort();
    const config = join(this.dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        node: {
          dataDir: join(this.dir, 'data'),
          listen: [`/ip4/127.0.0.1/tcp/${this.p2pPort}`],
          bootstrap: this.options.bootstrap ?? [],
          mdns: false,
        },
        http: {
          host: '127.0.0.1',
          port: httpPort,
          adminToken: IRC_GATEWAY_TOKEN,
          rateLimit: { perSecond: 100_000, burst: 100_000 },
        },
        log: { level: this.options.logLevel ?? 'info', format: 'json' },
        bridges: { irc: this.options.irc },
        links: this.options.links,
      }),
    );
    const log = createWriteStream(join(this.dir, 'gateway.log'), { flags: 'a' });
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
    const status = await this.api<{ peerId: string; listen: string[] }>('GET', '/api/v1/status');
    this.address = status.listen.find((a) => a.includes('/tcp/')) ?? '';
  }

  private async waitHealthy(): Promise<void> {
    const until = Date.now() + 60_000;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < until) {
      if (exitCode !== undefined)
        throw new Error(
          `${this.options.name} exited with ${exitCode}:\n${this.log().slice(-3000)}`,
        );
      try {
        const res = await fetch(`${this.httpUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.options.name} did not become healthy:\n${this.log().slice(-3000)}`);
  }

  /** Calls the HTTP API with the admin token (or `token`); throws unless 2xx. */
  async api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = IRC_GATEWAY_TOKEN,
  ): Promise<T> {
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
    if (res.status < 200 || res.status > 299)
      throw new Error(`${this.options.name} ${method} ${path} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Stops with SIGTERM, waits for the exit, deletes the data dir. */
  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
