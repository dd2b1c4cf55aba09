/**
 * Starts a real PostgreSQL (Debian's package) for tests: a throwaway cluster in a temp folder,
 * listening on a free loopback port with its socket in that folder. initdb refuses to run as
 * root, so as root the server runs as the `postgres` user (runuser); as anyone else it runs as
 * that user. Durability is switched off (fsync, synchronous_commit): the data dies with the test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresPeer {
  /** URL of the database created at start (`test`). */
  readonly url: string;
  readonly port: number;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server and keeps its data. `fast` (default) ends every connection and flushes;
   * `immediate` is a crash, and with this test cluster's `synchronous_commit=off` it may lose
   * the last commits.
   */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts a halted server again on the same port and data. */
  resume(): Promise<void>;
  /** Stops the server and deletes its folder. Idempotent. */
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL, or undefined when none is installed. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool as the user that may own the cluster. */
function tool(bin: string, name: string, args: readonly string[]) {
  const file = join(bin, name);
  return asRoot
    ? run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: 60_000 })
    : run(file, [...args], { timeout: 60_000 });
}

function stopSync(bin: string, data: string): void {
  const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
  const file = join(bin, 'pg_ctl');
  try {
    if (asRoot)
      execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'ignore' });
    else execFileSync(file, args, { stdio: 'ignore' });
  } catch {
    // Already stopped.
  }
}

/** Starts a cluster; throws with the server log when it does not come up after 3 ports. */
export async function startPostgres(): Promise<PostgresPeer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)');
  const dir = mkdtempSync(join(tmpdir(), 'mc-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  await tool(bin, 'initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
  ]);

  let port = 0;
  let lastError: unknown;
  const options = (p: number) =>
    `-k ${dir} -p ${p} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const pgStart = (p: number) =>
    tool(bin, 'pg_ctl', ['-D', data, '-o', options(p), '-l', join(dir, 'log'), '-w', 'start']);
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePort();
    try {
      await pgStart(candidate);
      port = candidate;
    } catch (err) {
      lastError = err; // most likely the port was taken meanwhile: try another
    }
  }
  if (port === 0) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start:\n${log}`, { cause: lastError });
  }

  // If the test process dies without stop(), do not leave a server behind.
  const onExit = () => stopSync(bin, data);
  process.once('exit', onExit);

  const base = `postgres://postgres@127.0.0.1:${port}`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return `${base}/${name}`;
  };
  const url = await createDatabase('test');

  let stopped = false;
  return {
    url,
    port,
    createDatabase,
    async halt(mode = 'fast') {
      await tool(bin, 'pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },
    async resume() {
      await pgStart(port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await tool(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
