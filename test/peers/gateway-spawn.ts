/**
 * The one way tests and benchmarks start a child process of this repository: `spawnSource` for
 * a TypeScript file run from source (see source-node.mjs), `spawnGateway` for the `multichat
 * start` command. Plus what every launcher of gateway processes shares: writing a loopback
 * config, the log in `<dir>/gateway.log`, waiting for a probe, calling the admin API, and
 * stopping with SIGTERM. The launchers (`gateway-process.ts`, the IRC and Discord/Slack
 * end-to-end helpers) add only what their tests need.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sourceNodeArgs } from './source-node.mjs';
import { terminate } from './terminate.js';

/** The command line (`node …`) that runs `script` from source; for wrappers such as `unshare`. */
export function sourceCommand(script: string, args: readonly string[] = []): string[] {
  return [process.execPath, ...sourceNodeArgs(script, args)];
}

/** Runs `script` (a .ts file) from source in a child `node`, in the repository root by default. */
export function spawnSource(
  script: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(process.execPath, sourceNodeArgs(script, args), { cwd: ROOT, ...options });
}

export interface GatewayConfigOptions {
  readonly httpPort: number;
  readonly p2pPort: number;
  readonly adminToken: string;
  readonly bootstrap?: readonly string[];
  readonly logLevel?: string;
  readonly bridges?: Record<string, unknown>;
  readonly links?: readonly Record<string, unknown>[];
}

/** Writes `<dir>/config.json` (JSON is YAML) for a loopback-only gateway; returns its path. */
export function writeGatewayConfig(dir: string, options: GatewayConfigOptions): string {
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      node: {
        dataDir: join(dir, 'data'),
        listen: [`/ip4/127.0.0.1/tcp/${options.p2pPort}`],
        bootstrap: options.bootstrap ?? [],
        mdns: false,
      },
      http: {
        host: '127.0.0.1',
        port: options.httpPort,
        adminToken: options.adminToken,
        rateLimit: { perSecond: 100_000, burst: 100_000 },
      },
      log: { level: options.logLevel ?? 'info', format: 'json' },
      ...(options.bridges && { bridges: options.bridges }),
      ...(options.links && { links: options.links }),
    }),
  );
  return path;
}

export interface SpawnedGateway {
  readonly child: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  /** Length of `<dir>/gateway.log` before this process wrote to it (a restart appends). */
  readonly logFrom?: number;
}

/**
 * Starts `multichat start --config <config>`; stdout and stderr go to `<dir>/gateway.log`.
 * `env` adds to the inherited environment (e.g. `MULTICHAT_FROM_SOURCE`).
 */
export function spawnGateway(
  dir: string,
  config: string,
  env: Readonly<Record<string, string>> = {},
): SpawnedGateway {
  const logFrom = readGatewayLog(dir).length;
  const log = createWriteStream(join(dir, 'gateway.log'), { flags: 'a' });
  const child = spawn(process.execPath, ['bin/multichat.mjs', 'start', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, MULTICHAT_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, logFrom };
}

export function readGatewayLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'gateway.log'), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Polls `probe` (`/healthz`, or `/readyz` to wait for the bridges) until it answers 2xx and the
 * start is complete (the command's "listening on" line), for at most 60 s; fails at once with the
 * log's tail if the process exits first.
 */
export async function waitForProbe(
  spawned: SpawnedGateway,
  httpUrl: string,
  probe: '/healthz' | '/readyz',
  name: string,
  dir: string,
): Promise<void> {
  const until = Date.now() + 60_000;
  // Only this process's "listening on" line counts (a restart appends to the same log).
  const started = () =>
    readGatewayLog(dir)
      .slice(spawned.logFrom ?? 0)
      .includes('Multichat gateway listening on');
  let exitCode: number | null | undefined;
  void spawned.exited.then((code) => (exitCode = code));
  while (Date.now() < until) {
    if (exitCode !== undefined) {
      throw new Error(`${name} exited with ${exitCode}:\n${readGatewayLog(dir).slice(-3000)}`);
    }
    try {
      const res = await fetch(`${httpUrl}${probe}`, { signal: AbortSignal.timeout(1000) });
      // The probe answers once HTTP listens, and P2P starts after that: the start is complete
      // (peer id and listen addresses in /api/v1/status) when the command says it listens.
      if (res.ok && started()) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name}: ${probe} never answered:\n${readGatewayLog(dir).slice(-3000)}`);
}

/** Calls the HTTP API with a bearer token; returns the status and the parsed body. */
export async function callApi<T = unknown>(
  httpUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, text };
}

/** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
export function stopGateway(spawned: SpawnedGateway | undefined): Promise<number | null> {
  return terminate(spawned?.child, 15_000);
}
