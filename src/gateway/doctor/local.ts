/** Checks of this machine: the data dir and stores, and the P2P listen addresses. */
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { GatewayConfig } from '../config/index.js';
import { checkPostgres } from './postgres.js';
import { fail, ok, warn, type CheckResult } from './types.js';

/** The data dir is writable (or creatable), each SQLite store passes integrity_check. */
export async function checkStore(config: GatewayConfig): Promise<CheckResult[]> {
  const dir = resolve(config.node.dataDir);
  const results: CheckResult[] = [];
  const probe = existsSync(dir) ? dir : dirname(dir);
  try {
    await access(probe, constants.W_OK);
    results.push(ok('data dir', `${dir} is writable${probe === dir ? '' : ' (created on start)'}`));
  } catch {
    results.push(
      fail(
        'data dir',
        `${probe} is not writable by this user`,
        `chown it to the user the gateway runs as, or set node.dataDir to a writable directory`,
      ),
    );
  }
  const files = ['multichat.db', ...(config.store.kind === 'sqlite' ? ['mapping.db'] : [])];
  for (const file of files) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      results.push(ok(file, 'not created yet (the first start creates it)'));
      continue;
    }
    try {
      // Read-only: a running gateway keeps writing; doctor must never change the store.
      const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2_000 });
      try {
        const rows = db.pragma('integrity_check') as { integrity_check: string }[];
        const answer = rows.map((r) => r.integrity_check).join('; ');
        results.push(
          answer === 'ok'
            ? ok(file, 'integrity_check ok')
            : fail(file, `integrity_check: ${answer}`, `restore ${path} from a backup`),
        );
      } finally {
        db.close();
      }
    } catch (err) {
      results.push(fail(file, `cannot open: ${(err as Error).message}`, `check ${path}`));
    }
  }
  if (config.store.kind === 'postgres' && config.store.url !== undefined) {
    results.push(await checkPostgres(config.store.url));
  }
  return results;
}

/** `/ip4/A/tcp/P` or `/ip6/A/tcp/P` → host and port; anything else is not checked. */
function tcpAddress(multiaddr: string): { host: string; port: number } | undefined {
  const m = /^\/(ip4|ip6)\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr);
  return m ? { host: m[2] as string, port: Number(m[3]) } : undefined;
}

function bind(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', (err) => done(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => done(undefined)));
  });
}

/**
 * Each P2P listen address can be bound. In use is a warning, not a failure: it is what a
 * running gateway looks like; `running` says whether this config's HTTP listener answers.
 */
export async function checkP2p(config: GatewayConfig, running: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const addr of config.node.listen) {
    const tcp = tcpAddress(addr);
    if (!tcp) {
      results.push(warn(`p2p ${addr}`, 'not a tcp address: not checked', 'none needed'));
      continue;
    }
    const err = await bind(tcp.host, tcp.port);
    if (!err) {
      results.push(ok(`p2p ${addr}`, 'can listen'));
    } else if (err.code === 'EADDRINUSE' && running) {
      results.push(ok(`p2p ${addr}`, 'in use by the running gateway'));
    } else if (err.code === 'EADDRINUSE') {
      results.push(
        fail(
          `p2p ${addr}`,
          'port in use by another program',
          'free the port or change node.listen',
        ),
      );
    } else {
      results.push(
        fail(
          `p2p ${addr}`,
          `cannot listen: ${err.code ?? err.message}`,
          err.code === 'EADDRNOTAVAIL'
            ? 'the address is not one of this machine’s: use 0.0.0.0 or a local address'
            : 'pick a port above 1024 or an address of this machine in node.listen',
        ),
      );
    }
  }
  if (config.node.mdns) {
    results.push(ok('p2p mdns', 'on: peers on the LAN find this node (node.mdns: false hides it)'));
  }
  return results;
}
