/**
 * Issue 24 (start-up): `multichat start` with no network configured must not load any network's
 * SDK, the PostgreSQL client (only the doctor and a postgres store use it) or the import
 * runners: loading modules is most of a start's time. The process's module loads are recorded
 * by a loader hook (bench/_module-count.mjs, the one bench/startup.ts counts with) up to the end
 * of the start (waitForProbe waits for the "listening on" line: libp2p loads after /healthz
 * answers, so P2P has started by then).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core.js';
import { freePort } from '../peers/free-port.js';
import {
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';

const HOOK = join(import.meta.dirname, '../../bench/_module-count.mjs');

let gateway: SpawnedGateway | undefined;
afterEach(async () => {
  await stopGateway(gateway);
  gateway = undefined;
});

describe('multichat start without networks', () => {
  it('serves /healthz having loaded no network SDK, no PostgreSQL client and no import runner', async () => {
    const dir = tempDir();
    const modules = join(dir, 'modules.txt');
    const httpPort = await freePort();
    const config = writeGatewayConfig(dir, {
      httpPort,
      p2pPort: await freePort(),
      adminToken: 'startup-modules-admin-token-0123456789',
    });
    gateway = spawnGateway(dir, config, {
      NODE_OPTIONS: `--import ${HOOK}`,
      MC_MODULE_COUNT_FILE: modules,
    });
    await waitForProbe(gateway, `http://127.0.0.1:${httpPort}`, '/healthz', 'gateway', dir);
    const loaded = [...new Set(readFileSync(modules, 'utf8').split('\n').filter(Boolean))];

    // The hook saw the start: the gateway's own modules and the P2P stack it listens with.
    expect(loaded.some((url) => url.includes('/src/gateway/gateway.ts'))).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/libp2p/'))).toBe(true);
    const unwanted = loaded.filter((url) =>
      /\/node_modules\/(discord\.js|@discordjs|@slack|matrix-js-sdk|matrix-appservice-bridge|matrix-bot-sdk|irc-framework|pg)\//.test(
        url,
      ),
    );
    expect(unwanted).toEqual([]);
    const ours = loaded.filter((url) =>
      /\/src\/(bridges\/(irc|matrix|discord|slack)\/(index|adapter)|gateway\/doctor\/|gateway\/cli\/commands\/import-)/.test(
        url,
      ),
    );
    expect(ours).toEqual([]);
  }, 120_000);
});
