/**
 * `supervision.exitWhenDownMinutes`: a gateway whose Discord API is unreachable exits with
 * status 1 and says why (which bridge, for how long, the cause), so a process supervisor
 * restarts it. The limit is shortened to seconds by the test-only environment override.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../peers/free-port.js';
import {
  readGatewayLog,
  spawnGateway,
  stopGateway,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';

let spawned: SpawnedGateway | undefined;
let dir: string | undefined;
afterEach(async () => {
  await stopGateway(spawned);
  spawned = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('supervision.exitWhenDownMinutes', () => {
  it('exits non-zero with a clear line when a bridge stays down past the limit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mc-supervision-exit-'));
    const apiPort = await freePort(); // nothing listens there: the API is unreachable
    const path = writeGatewayConfig(dir, {
      httpPort: await freePort(),
      p2pPort: await freePort(),
      adminToken: 'supervision-exit-admin-token-0123456789',
      bridges: {
        discord: { token: 'some-token', apiUrl: `http://127.0.0.1:${apiPort}/api` },
      },
    });
    const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...config, supervision: { exitWhenDownMinutes: 30 } }));
    spawned = spawnGateway(dir, path, {
      MULTICHAT_FROM_SOURCE: '1',
      MULTICHAT_TEST_EXIT_WHEN_DOWN_SECONDS: '2',
    });
    const code = await spawned.exited;
    const log = readGatewayLog(dir);
    expect(code, log.slice(-2000)).toBe(1);
    expect(log).toMatch(/bridge discord down for [\d.]+ min \(reconnecting: .*ECONNREFUSED/);
    expect(log).toContain('over supervision.exitWhenDownMinutes: exiting with status 1');
  });
});
