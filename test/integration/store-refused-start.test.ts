/**
 * Issue 24 / issue 15: `multichat start` verifies only each log's newest entries at open and the
 * rest in the background. When that background check finds an entry edited behind the node's
 * back, the gateway must not go on serving: it says why on stderr and exits with status 1, so a
 * supervisor sees it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/core/index.js';
import { tempDir } from '../support/core.js';
import { freePort } from '../peers/free-port.js';
import {
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';

let gateway: SpawnedGateway | undefined;
afterEach(async () => {
  await stopGateway(gateway);
  gateway = undefined;
});

/** Flips one byte of the body of alice's entry `seq`; the entry no longer hashes to its id. */
function editEntry(dbPath: string, author: string, seq: number): void {
  const db = new Database(dbPath);
  try {
    const row = db
      .prepare('SELECT id, body FROM entries WHERE author = ? AND seq = ?')
      .get(author, seq) as { id: string; body: Buffer };
    const body = Buffer.from(row.body);
    body[body.length - 3] = (body[body.length - 3] ?? 0) ^ 0xff;
    db.prepare('UPDATE entries SET body = ? WHERE id = ?').run(body, row.id);
  } finally {
    db.close();
  }
}

describe('multichat start on a store edited below its verified checkpoint', () => {
  it('starts, then the background check refuses the store and the process exits 1 saying why', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const node = await createNode({ dataDir, sweepIntervalMs: 0 });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    for (let i = 0; i < 4; i++)
      await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: `post ${i}` });
    await node.stop();
    // A second open checks the whole (small) store and records every log's checkpoint at its head.
    await (await createNode({ dataDir, sweepIntervalMs: 0 })).stop();
    editEntry(join(dataDir, 'multichat.db'), user.id, 2);

    const httpPort = await freePort();
    const config = writeGatewayConfig(dir, {
      httpPort,
      p2pPort: await freePort(),
      adminToken: 'store-refused-admin-token-0123456789',
    });
    gateway = spawnGateway(dir, config);
    // The open check passes (the edit is below the checkpoint), so the gateway first serves.
    await waitForProbe(gateway, `http://127.0.0.1:${httpPort}`, '/healthz', 'gateway', dir);
    const code = await gateway.exited;
    expect(code).toBe(1);
    expect(readGatewayLog(dir)).toContain("the data dir's store failed verification");
  });
});
