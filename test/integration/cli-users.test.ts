import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/gateway/cli/main.js';
import { freePort } from '../peers/free-port.js';
import { eventually } from '../support/eventually.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/multichat.mjs');

let dir: string;
let configPath: string;
let base: string;
let gateway: ChildProcess;
let log = '';

/** Runs the CLI in this process (cwd: the repository, not the config's directory). */
async function cli(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

const tokenOf = (out: string[]): string => out.find((l) => l.startsWith('token: '))!.slice(7);

async function me(token: string): Promise<number> {
  return (await fetch(`${base}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } }))
    .status;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-cli-users-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  configPath = join(dir, 'gateway.yaml');
  // A relative dataDir: the gateway runs in `dir`, the CLI elsewhere with --config.
  await writeFile(
    configPath,
    [
      'node: { dataDir: ./data, listen: ["/ip4/127.0.0.1/tcp/0"], mdns: false }',
      `http: { host: 127.0.0.1, port: ${port} }`,
      'log: { level: warn }',
      '',
    ].join('\n'),
  );
  gateway = spawn(process.execPath, [BIN, 'start', '--config', configPath], {
    cwd: dir,
    env: {
      ...process.env,
      MULTICHAT_FROM_SOURCE: '1',
      MULTICHAT_CONFIG: '',
      MULTICHAT_ADMIN_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  gateway.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await eventually(
    async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
    { timeoutMs: 60_000, what: 'the gateway to answer /healthz' },
  );
}, 90_000);

afterAll(async () => {
  if (gateway.exitCode === null) {
    const exited = new Promise((r) => gateway.once('exit', r));
    gateway.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('multichat user (issue 21)', () => {
  it('add, list and token from another directory with --config; the old token stops working', async () => {
    const add = await cli(['user', 'add', 'alice', '--config', configPath]);
    expect(add.err).toEqual([]);
    expect(add.code).toBe(0);
    const first = tokenOf(add.out);
    expect(await me(first)).toBe(200);

    await cli(['user', 'add', 'bob', '--config', configPath]);
    const list = await cli(['user', 'list', '--config', configPath]);
    expect(list.code).toBe(0);
    expect(list.out.map((l) => l.split('  ')[1]).sort()).toEqual(['alice', 'bob']);

    const reissue = await cli(['user', 'token', 'alice', '--config', configPath]);
    expect(reissue.code).toBe(0);
    const second = tokenOf(reissue.out);
    expect(second).not.toBe(first);
    expect(await me(first)).toBe(401);
    expect(await me(second)).toBe(200);

    const revoke = await cli(['user', 'token', 'alice', '--revoke', '--config', configPath]);
    expect(revoke.code).toBe(0);
    expect(await me(second)).toBe(401);
  });

  it('--token and MULTICHAT_ADMIN_TOKEN with --url need no config; a wrong token is refused', async () => {
    const admin = (await readFile(join(dir, 'data', 'admin-token'), 'utf8')).trim();
    const flag = await cli(['user', 'list', '--url', base, '--token', admin]);
    expect(flag.code).toBe(0);
    const env = await cli(['status', '--url', base], { MULTICHAT_ADMIN_TOKEN: admin });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.out.join('\n'))).toHaveProperty('address');
    const wrong = await cli(['user', 'list', '--url', base, '--token', 'x'.repeat(40)]);
    expect(wrong.code).toBe(1);
    expect(wrong.err.join('\n')).toMatch(/gateway answered 401/);
  });

  it('without a token anywhere the error names where it looked; bad actions are usage errors', async () => {
    const elsewhere = join(dir, 'elsewhere.yaml');
    await writeFile(elsewhere, 'node: { dataDir: ./nothing-here }\n');
    const none = await cli(['user', 'list', '--config', elsewhere]);
    expect(none.code).toBe(1);
    expect(none.err.join('\n')).toContain(join(dir, 'nothing-here', 'admin-token'));
    expect((await cli(['user', 'remove', 'x'])).code).toBe(2);
    expect((await cli(['user', 'add'])).code).toBe(2);
    expect((await cli(['user', 'list', '--revoke'])).code).toBe(2);
  });
});
