/**
 * Runs `multichat start` as a separate process with the given `bridges` and `links` sections,
 * for end-to-end tests against the Discord fake: its own temp data dir, a free HTTP port, a
 * loopback P2P port, mDNS off. The process log goes to `<dir>/gateway.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../free-port.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ADMIN_TOKEN = 'discord-e2e-admin-token';

export interface GatewayRunOptions {
  readonly bridges: Record<string, unknown>;
  readonly links: readonly Record<string, unknown>[];
}

export class GatewayRun {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly dir: string,
    readonly httpUrl: string,
  ) {}

  static async start(options: GatewayRunOptions): Promise<GatewayRun> {
    const dir = mkdtempSync(join(tmpdir(), 'mc-discord-e2e-'));
    const httpPort = await freePort();
    const run = new GatewayRun(dir, `http://127.0.0.1:${httpPort}`);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        node: {
          dataDir: join(dir, 'data'),
          listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`],
          bootstrap: [],
          mdns: false,
        },
        http: { host: '127.0.0.1', port: httpPort, adminToken: ADMIN_TOKEN },
        log: { level: 'debug', format: 'json' },
        bridges: options.bridges,
        links: options.links,
      }),
    );
    const log = createWriteStream(join(dir, 'gateway.log'), { flags: 'a' });
    const child = spawn(process.execPath, ['bin/multichat.mjs', 'start', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, MULTICHAT_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    run.child = child;
    run.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    await run.waitReady();
    return run;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'gateway.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Calls the HTTP API with the admin token; throws unless 2xx. */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Waits for `/readyz` (every configured bridge connected), bounded. */
  private async waitReady(): Promise<void> {
    let code: number | null | undefined;
    void this.exited.then((c) => (code = c));
    for (let i = 0; i < 600; i++) {
      if (code !== undefined)
        throw new Error(`gateway exited with ${code}:\n${this.log().slice(-3000)}`);
      try {
        const res = await fetch(`${this.httpUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gateway not ready:\n${this.log().slice(-3000)}`);
  }

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
