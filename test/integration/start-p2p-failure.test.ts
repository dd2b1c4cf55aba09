/**
 * Issue 24: `multichat start` serves /healthz before P2P starts (libp2p loads meanwhile). A P2P
 * host that then cannot start must not leave a half-started gateway behind: the process says why
 * and exits with status 1, and /readyz never said ready.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core.js';
import { freePort } from '../peers/free-port.js';
import {
  readGatewayLog,
  spawnGateway,
  stopGateway,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';

let gateway: SpawnedGateway | undefined;
let squatter: Server | undefined;
afterEach(async () => {
  await stopGateway(gateway);
  gateway = undefined;
  await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
  squatter = undefined;
});

describe('multichat start when P2P cannot start', () => {
  it('exits 1 naming the failure, having never been ready', async () => {
    const dir = tempDir();
    const p2pPort = await freePort();
    // Another process holds the P2P listen address.
    squatter = createServer();
    await new Promise<void>((resolve) => squatter!.listen(p2pPort, '127.0.0.1', resolve));
    const httpPort = await freePort();
    const config = writeGatewayConfig(dir, {
      httpPort,
      p2pPort,
      adminToken: 'p2p-failure-admin-token-0123456789',
    });
    gateway = spawnGateway(dir, config);
    const readyAnswers: number[] = [];
    let code: number | null | undefined;
    void gateway.exited.then((c) => (code = c));
    // Poll /readyz until the process ends: it may answer (HTTP listens first) but never 200.
    while (code === undefined) {
      const status = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
        (res) => res.status,
        () => 0,
      );
      if (status) readyAnswers.push(status);
      await Promise.race([gateway.exited, new Promise((r) => setTimeout(r, 50))]);
    }
    expect(code, readGatewayLog(dir).slice(-2000)).toBe(1);
    expect(readyAnswers).not.toContain(200);
    const log = readGatewayLog(dir);
    expect(log).toContain('cannot start:');
    expect(log).toMatch(/EADDRINUSE|address already in use/i);
    expect(log).not.toContain('Multichat gateway listening on');
  }, 60_000);
});
