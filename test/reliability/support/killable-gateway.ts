/**
 * A `multichat start` process the reliability suites may SIGKILL, SIGSTOP and SIGCONT and start
 * again on the same data dir, config and ports (so peers, the appservice registration and the
 * IRC server see the same gateway come back). Built on test/peers/gateway-spawn.ts like the other
 * launchers; they only stop gracefully.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../../peers/free-port.js';
import {
  callApi,
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../../peers/gateway-spawn.js';

export const KILLABLE_ADMIN_TOKEN = 'reliability-admin-token-0123456789abcdef';

export interface KillableOptions {
  readonly name: string;
  readonly bridges?: Record<string, unknown>;
  readonly links?: readonly Record<string, unknown>[];
  readonly bootstrap?: readonly string[];
  /** Probe that says the process is up: `/readyz` waits for the bridges too. */
  readonly probe?: '/healthz' | '/readyz';
  /**
   * How long `/readyz` may take after `/healthz` answered (default 60 s). A restart that backfills
   * thousands of messages on a loaded machine can take longer for its bridges to settle.
   */
  readonly readyTimeoutMs?: number;
  readonly logLevel?: string;
  /** Keys merged into the `http` section (e.g. `metricsToken`). */
  readonly http?: Record<string, unknown>;
  /** Sections added to the config as they are (e.g. `store`). */
  readonly sections?: Record<string, unknown>;
  /** Variables added to the process's environment (e.g. `NODE_OPTIONS` for heap snapshots). */
  readonly env?: Readonly<Record<string, string>>;
}

export class KillableGateway {
  private spawned: SpawnedGateway | undefined;
  private config = '';
  httpUrl = '';
  peerId = '';
  /** P2P multiaddr with /p2p/<peerId>. */
  address = '';

  private constructor(
    readonly options: KillableOptions,
    readonly dir: string,
    readonly p2pPort: number,
    readonly httpPort: number,
  ) {}

  static async start(options: KillableOptions): Promise<KillableGateway> {
    const dir = mkdtempSync(join(tmpdir(), `mc-rel-${options.name}-`));
    const gateway = new KillableGateway(options, dir, await freePort(), await freePort());
    gateway.config = writeGatewayConfig(dir, {
      httpPort: gateway.httpPort,
      p2pPort: gateway.p2pPort,
      adminToken: KILLABLE_ADMIN_TOKEN,
      bootstrap: options.bootstrap ?? [],
      ...(options.bridges && { bridges: options.bridges }),
      ...(options.links && { links: options.links }),
      ...(options.logLevel && { logLevel: options.logLevel }),
    });
    if (options.http || options.sections) {
      const config = JSON.parse(readFileSync(gateway.config, 'utf8')) as Record<string, unknown>;
      Object.assign(config['http'] as object, options.http);
      writeFileSync(gateway.config, JSON.stringify({ ...config, ...options.sections }));
    }
    gateway.httpUrl = `http://127.0.0.1:${gateway.httpPort}`;
    await gateway.launch();
    return gateway;
  }

  /** The process id, for signals. */
  get pid(): number {
    const pid = this.spawned?.child.pid;
    if (pid === undefined) throw new Error(`${this.options.name} is not running`);
    return pid;
  }

  /** Starts the process (again) on the same data dir; resolves with the seconds it took. */
  async launch(): Promise<number> {
    const started = performance.now();
    this.spawned = spawnGateway(this.dir, this.config, this.options.env);
    try {
      const probe = this.options.probe ?? '/healthz';
      const longer = probe === '/readyz' && this.options.readyTimeoutMs !== undefined;
      // waitForProbe gives a probe 60 s; a longer ready wait starts once the process is live.
      await waitForProbe(
        this.spawned,
        this.httpUrl,
        longer ? '/healthz' : probe,
        this.options.name,
        this.dir,
      );
      if (longer) await this.waitReady(this.options.readyTimeoutMs ?? 0);
    } catch (error) {
      // The probe's own answer names the bridge that is not up; the log tail may not.
      const answer = await fetch(`${this.httpUrl}/readyz`).then((r) => r.text(), String);
      // Nobody holds this gateway yet: stop it, or it outlives the test.
      await stopGateway(this.spawned);
      this.spawned = undefined;
      throw new Error(`${(error as Error).message.slice(0, 300)}\n/readyz: ${answer}`, {
        cause: error,
      });
    }
    const status = await this.ok<{ peerId: string; listen: string[] }>('GET', '/api/v1/status');
    this.peerId = status.peerId;
    this.address = status.listen.find((a) => a.includes('/tcp/')) ?? '';
    return (performance.now() - started) / 1000;
  }

  /** Polls `/readyz` until it answers 2xx, for at most `ms`. */
  private async waitReady(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const ok = await fetch(`${this.httpUrl}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      // Polling a probe, not a check: the next look at /readyz.
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.options.name}: /readyz not ready within ${ms} ms`);
  }

  /** SIGTERM: the graceful stop; keeps the data dir. */
  async stop(): Promise<void> {
    await stopGateway(this.spawned);
    this.spawned = undefined;
  }

  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const spawned = this.spawned;
    this.spawned = undefined;
    if (!spawned) return;
    spawned.child.kill('SIGKILL');
    await spawned.exited;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    process.kill(this.pid, signal);
  }

  log(): string {
    return readGatewayLog(this.dir);
  }

  async api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = KILLABLE_ADMIN_TOKEN,
  ) {
    return callApi<T>(this.httpUrl, token, method, path, body);
  }

  /** `GET /metrics` (Prometheus text, not JSON) with `token`: status and text. */
  async metrics(token = KILLABLE_ADMIN_TOKEN): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, text: await res.text() };
  }

  /** Like api() but throws unless 2xx; returns the body. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const answer = await this.api<T>(method, path, body, token);
    if (answer.status < 200 || answer.status > 299)
      throw new Error(`${this.options.name} ${method} ${path} -> ${answer.status} ${answer.text}`);
    return answer.body;
  }

  /** `PRAGMA integrity_check` of every SQLite file in the data dir: file name -> result. */
  integrity(): Record<string, string> {
    const data = join(this.dir, 'data');
    const out: Record<string, string> = {};
    for (const file of readdirSync(data).filter((f) => f.endsWith('.db'))) {
      const db = new Database(join(data, file), { readonly: true });
      try {
        out[file] = db.pragma('integrity_check', { simple: true }) as string;
      } finally {
        db.close();
      }
    }
    return out;
  }

  /** Stops gracefully (SIGCONT first, in case it is stopped) and deletes the data dir. */
  async destroy(): Promise<void> {
    if (this.spawned) {
      try {
        this.signal('SIGCONT');
      } catch {
        // already gone
      }
    }
    await stopGateway(this.spawned);
    this.spawned = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
