/**
 * The container config (deploy/multichat.docker.yaml) starts a gateway, outside a container:
 * its paths come from the environment the file reads (data dir, registration), its ports are
 * swapped for free ones (each must occur exactly once, so a changed file fails here), the store
 * is a real PostgreSQL (test/peers) and Synapse is absent (a closed port: the Matrix bridge is
 * then `failed`/`reconnecting`, which must not keep the gateway down). Checked: /healthz answers
 * on the published-port path, the HTTP and Matrix appservice listeners bind every interface
 * (what a container needs; only loopback traffic is sent here), the data dir is created 0700,
 * and the start says the P2P exposure (listen addresses, mDNS off) in one log line.
 * No Docker engine runs on these machines: see docs/deploy.md for what else was checked.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/gateway/cli/main.js';
import { freePort } from '../peers/free-port.js';
import {
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';
import { findPostgresBin, startPostgres, type PostgresPeer } from '../peers/postgres.js';
import { tempDir } from '../support/core.js';

const CONFIG = resolve(import.meta.dirname, '../../deploy/multichat.docker.yaml');
const ADMIN = 'deploy-config-admin-token-0123456789abcdef';

/** Replaces `from` (which must occur exactly once) by `to`. */
function swapOnce(text: string, from: string, to: string): string {
  expect(text.split(from), `"${from}" occurs once in the container config`).toHaveLength(2);
  return text.replace(from, to);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

const connects = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

const bin = findPostgresBin();
if (!bin && process.env.CI === 'true') {
  throw new Error('PostgreSQL binaries are missing in CI: run .ci/install-postgres.sh first');
}

describe.skipIf(!bin)('deploy/multichat.docker.yaml outside a container', () => {
  let peer: PostgresPeer;
  let gateway: SpawnedGateway | undefined;
  let dir: string;
  let httpPort: number;
  let asPort: number;
  let p2pPort: number;

  beforeAll(async () => {
    peer = await startPostgres();
    dir = tempDir('mc-deploy-');
    [httpPort, asPort, p2pPort] = [await freePort(), await freePort(), await freePort()];
    let text = readFileSync(CONFIG, 'utf8');
    text = swapOnce(text, 'port: 8080', `port: ${httpPort}`);
    text = swapOnce(text, 'port: 9000', `port: ${asPort}`);
    text = swapOnce(text, '- /ip4/0.0.0.0/tcp/4747', `- /ip4/0.0.0.0/tcp/${p2pPort}`);
    const config = join(dir, 'multichat.yaml');
    writeFileSync(config, text);
    const env = {
      MULTICHAT_DATA_DIR: join(dir, 'data'),
      MULTICHAT_ADMIN_TOKEN: ADMIN,
      MULTICHAT_STORE_URL: peer.url,
      MATRIX_DOMAIN: 'example.test',
      MATRIX_HOMESERVER_URL: `http://127.0.0.1:${await closedPort()}`,
      MULTICHAT_MATRIX_REGISTRATION: join(dir, 'registration.yaml'),
      MULTICHAT_APPSERVICE_URL: `http://127.0.0.1:${asPort}`,
    };
    // The compose walk-through's step 3, with this config.
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), env };
    const code = await main(
      ['matrix-registration', '--config', config, '--out', env.MULTICHAT_MATRIX_REGISTRATION],
      io,
    );
    expect(code, out.join('\n')).toBe(0);
    gateway = spawnGateway(dir, config, { ...env, MULTICHAT_FROM_SOURCE: '1' });
    await waitForProbe(gateway, `http://127.0.0.1:${httpPort}`, '/healthz', 'gateway', dir);
  }, 120_000);

  afterAll(async () => {
    await stopGateway(gateway);
    await peer?.stop();
  });

  it('answers /healthz and binds its listeners on every interface', async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    const log = readGatewayLog(dir);
    expect(log).toContain(`Multichat gateway listening on http://0.0.0.0:${httpPort}`);
    // Synapse pushes to this listener; it must take connections although Synapse is absent.
    await expect.poll(() => connects(asPort), { timeout: 30_000 }).toBe(true);
  });

  it('keeps its state in the data dir from the environment, 0700', () => {
    const data = join(dir, 'data');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'node.key')).mode & 0o777).toBe(0o600);
  });

  it('says the P2P exposure at start: listen address and mDNS off', () => {
    const log = readGatewayLog(dir);
    const line = log.split('\n').find((l) => l.includes('"msg":"p2p exposure"'));
    expect(line, log.slice(-2000)).toBeDefined();
    const entry = JSON.parse(line!) as { listen: string[]; mdns: boolean; allInterfaces: boolean };
    expect(entry).toMatchObject({
      listen: [`/ip4/0.0.0.0/tcp/${p2pPort}`],
      mdns: false,
      allInterfaces: true,
    });
    expect(log).toContain(`P2P listening on /ip4/0.0.0.0/tcp/${p2pPort} (every interface)`);
    expect(log).toContain('mDNS is off');
  });
});
