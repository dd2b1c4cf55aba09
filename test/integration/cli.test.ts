import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../src/core/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/multichat.mjs');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, MULTICHAT_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const run = spawnCli(args, env);
  const code = await run.exited;
  return { code, output: run.output() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls /healthz until it answers and the command says it listens (P2P starts after /healthz
 * answers; that line comes once the whole start is done), the process dies, or 60 s pass.
 */
async function waitHealthy(base: string, run: Run): Promise<void> {
  let dead = false;
  void run.exited.then(() => (dead = true));
  for (let i = 0; i < 300 && !dead; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok && run.output().includes('Multichat gateway listening on')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gateway did not become healthy:\n${run.output()}`);
}

let dir: string;
let configPath: string;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-cli-'));
  port = await freePort();
  configPath = join(dir, 'gateway.yaml');
  await writeFile(
    configPath,
    [
      'node:',
      `  dataDir: ${join(dir, 'data')}`,
      '  listen: ["/ip4/127.0.0.1/tcp/0"]',
      '  mdns: false',
      'http:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      'log: { level: info, format: json }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('multichat start', () => {
  it('serves the API, stops cleanly on SIGTERM and keeps messages across a restart', async () => {
    const base = `http://127.0.0.1:${port}`;
    const first = spawnCli(['start', '--config', configPath]);
    let messageId: string;
    let userToken: string;
    let channelId: string;
    try {
      await waitHealthy(base, first);
      const tokenFile = join(dir, 'data', 'admin-token');
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const admin = (await readFile(tokenFile, 'utf8')).trim();
      expect(first.output()).toContain(base);
      expect(first.output()).toContain(tokenFile);
      expect(first.output()).not.toContain(admin);

      const auth = (t: string) => ({
        authorization: `Bearer ${t}`,
        'content-type': 'application/json',
      });
      const user = await fetch(`${base}/api/v1/users`, {
        method: 'POST',
        headers: auth(admin),
        body: JSON.stringify({ username: 'alice' }),
      });
      expect(user.status).toBe(201);
      userToken = ((await user.json()) as { token: string }).token;
      const ch = await fetch(`${base}/api/v1/channels`, {
        method: 'POST',
        headers: auth(userToken),
        body: JSON.stringify({ name: 'general' }),
      });
      expect(ch.status).toBe(201);
      channelId = ((await ch.json()) as { id: string }).id;
      const msg = await fetch(`${base}/api/v1/channels/${channelId}/messages`, {
        method: 'POST',
        headers: auth(userToken),
        body: JSON.stringify({ text: 'survives restarts' }),
      });
      expect(msg.status).toBe(201);
      messageId = ((await msg.json()) as { id: string }).id;

      const status = await runCli(['status', '--config', configPath]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.output)).toMatchObject({ channels: 1, peers: expect.any(Number) });
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    const second = spawnCli(['start', '--config', configPath]);
    try {
      await waitHealthy(base, second);
      const list = await fetch(`${base}/api/v1/channels/${channelId}/messages`, {
        headers: { authorization: `Bearer ${userToken}` },
      });
      const body = (await list.json()) as { messages: { id: string; text: string }[] };
      expect(body.messages).toEqual([
        expect.objectContaining({ id: messageId, text: 'survives restarts' }),
      ]);
    } finally {
      second.child.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
  });

  it('a bad config exits 2 naming the key', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'http:\n  prot: 8080\nlog:\n  format: xml\n');
    const res = await runCli(['start', '--config', bad]);
    expect(res.code).toBe(2);
    expect(res.output).toContain('unknown key http.prot — did you mean http.port?');
    expect(res.output).toContain('log.format: expected one of "json" | "pretty", got "xml"');
  });

  it('a missing environment variable exits 2 naming the key', async () => {
    const cfg = join(dir, 'env.yaml');
    await writeFile(cfg, 'http:\n  adminToken: ${MC_TEST_UNSET_VAR}\n');
    const res = await runCli(['start', '--config', cfg]);
    expect(res.code).toBe(2);
    expect(res.output).toContain(
      'http.adminToken: environment variable MC_TEST_UNSET_VAR is not set',
    );
  });
});

describe('multichat one-shot commands', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const res = await runCli(['--version']);
    expect(res.code).toBe(0);
    expect(res.output.trim()).toBe(pkg.version);
  });

  it('--help lists the commands; per-command help shows usage', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    for (const name of [
      'start',
      'status',
      'keygen',
      'link',
      'unlink',
      'links',
      'matrix-registration',
    ]) {
      expect(res.output).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const start = await runCli(['start', '--help']);
    expect(start.code).toBe(0);
    expect(start.output).toContain('Usage: multichat start [--config FILE]');
  });

  it('unknown commands and options exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['start', '--nope'])).code).toBe(2);
    const links = await runCli(['links', '--bogus']);
    expect(links.code).toBe(2);
  });

  it('keygen prints an address and writes the key only with --out (0600, no overwrite)', async () => {
    const res = await runCli(['keygen']);
    expect(res.code).toBe(0);
    expect(res.output.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const out = join(dir, 'gateway.key');
    const written = await runCli(['keygen', '--out', out]);
    expect(written.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    // node.key format: base64url of the 32-byte seed.
    expect(await readFile(out, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(written.output).toMatch(/^[A-Za-z0-9_-]{43}$/m);
    // A node started on that key has the printed address.
    const keyDir = join(dir, 'keyed');
    await mkdir(keyDir);
    await copyFile(out, join(keyDir, 'node.key'));
    const node = await createNode({ dataDir: keyDir, sweepIntervalMs: 0 });
    expect(node.address).toBe(/^[A-Za-z0-9_-]{43}$/m.exec(written.output)?.[0]);
    await node.stop();
    const again = await runCli(['keygen', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/not overwriting/);
  });
});

describe('data dir modes (issue 15)', () => {
  /** Writes a loopback config for `dataDir` on a fresh port; returns its path and the URL. */
  async function modesConfig(name: string, dataDir: string): Promise<[string, string]> {
    const httpPort = await freePort();
    const cfg = join(dir, `${name}.yaml`);
    await writeFile(
      cfg,
      `node: { dataDir: ${dataDir}, listen: ["/ip4/127.0.0.1/tcp/0"], mdns: false }\n` +
        `http: { host: 127.0.0.1, port: ${httpPort} }\nlog: { level: info, format: json }\n`,
    );
    return [cfg, `http://127.0.0.1:${httpPort}`];
  }

  const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

  /** Starts the gateway under umask 022 (the usual default) and runs `check` while it runs. */
  async function withGateway(cfg: string, base: string, check: (run: Run) => Promise<void>) {
    const before = process.umask(0o022);
    const run = spawnCli(['start', '--config', cfg]);
    process.umask(before);
    try {
      await waitHealthy(base, run);
      await check(run);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  }

  /** Every private file of a running gateway: 0600; the dir: 0700. */
  async function expectPrivate(dataDir: string): Promise<void> {
    expect(await modeOf(dataDir)).toBe(0o700);
    // Both databases have a WAL and a shared-memory file (the core's checkpoint thread opens a
    // second connection, so it gave up exclusive locking).
    for (const name of [
      'multichat.db',
      'multichat.db-wal',
      'multichat.db-shm',
      'mapping.db',
      'mapping.db-wal',
      'mapping.db-shm',
      'node.key',
      'admin-token',
    ]) {
      expect(await modeOf(join(dataDir, name)), name).toBe(0o600);
    }
  }

  it('a fresh data dir is 0700 and every database, WAL and key file 0600', async () => {
    const dataDir = join(dir, 'fresh-modes');
    const [cfg, base] = await modesConfig('fresh-modes', dataDir);
    await withGateway(cfg, base, async (run) => {
      // A local user: its seed is what multichat.db must not show other users.
      const admin = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
      const res = await fetch(`${base}/api/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'modes' }),
      });
      expect(res.status).toBe(201);
      await expectPrivate(dataDir);
      expect(run.output()).not.toContain('mode fixed');
    });
  });

  it('an existing 0755 dir with a 0644 database and token is fixed, with a warning', async () => {
    const dataDir = join(dir, 'open-modes');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    // A database an older version left world-readable.
    const node = await createNode({ dataDir, sweepIntervalMs: 0 });
    await node.createLocalUser('old');
    await node.stop();
    await chmod(join(dataDir, 'multichat.db'), 0o644);
    await writeFile(join(dataDir, 'admin-token'), `${'t'.repeat(43)}\n`, { mode: 0o644 });
    await chmod(join(dataDir, 'admin-token'), 0o644);
    expect(await modeOf(join(dataDir, 'multichat.db'))).toBe(0o644);

    const [cfg, base] = await modesConfig('open-modes', dataDir);
    await withGateway(cfg, base, async (run) => {
      await expectPrivate(dataDir);
      const warnings = run
        .output()
        .split('\n')
        .filter((l) => l.includes('mode fixed'))
        .map((l) => JSON.parse(l) as { path: string; mode: string; fixedTo: string });
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: dataDir, mode: '0755', fixedTo: '0700' }),
          expect.objectContaining({
            path: join(dataDir, 'multichat.db'),
            mode: '0644',
            fixedTo: '0600',
          }),
          expect.objectContaining({
            path: join(dataDir, 'admin-token'),
            mode: '0644',
            fixedTo: '0600',
          }),
        ]),
      );
    });
  });

  it('a hand-written admin-token file shorter than 32 characters is refused', async () => {
    const dataDir = join(dir, 'short-token');
    await mkdir(dataDir, { mode: 0o700 });
    await writeFile(join(dataDir, 'admin-token'), 'short\n', { mode: 0o600 });
    const [cfg] = await modesConfig('short-token', dataDir);
    const res = await runCli(['start', '--config', cfg]);
    expect(res.code).toBe(1);
    expect(res.output).toContain('the admin token must be at least 32 characters');
    expect(res.output).not.toContain('short\\n');
  });
});

describe('config errors hide secrets (issue 15)', () => {
  it('a numeric password and a short admin token exit 2 naming the keys, not the values', async () => {
    const cfg = join(dir, 'secret.yaml');
    await writeFile(
      cfg,
      'http:\n  adminToken: hunter2short\n' +
        'bridges:\n  irc:\n    networks:\n      libera:\n        host: irc.example\n' +
        '        password: 98765432\n',
    );
    const res = await runCli(['start', '--config', cfg]);
    expect(res.code).toBe(2);
    expect(res.output).toContain(
      'bridges.irc.networks.libera.password: expected string, got a number (value hidden)',
    );
    expect(res.output).toContain(
      'http.adminToken: expected length >= 32, got a string of 12 characters (value hidden)',
    );
    expect(res.output).not.toContain('98765432');
    expect(res.output).not.toContain('hunter2short');
  });
});
