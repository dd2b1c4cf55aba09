/**
 * A store written before clocks were bounded may hold a peer's poisoned clock value (issue 15):
 * `"x"` as TEXT in the INTEGER column, 1e300 as a REAL. The node refuses to open it with a typed
 * error that names the entry and the value, and the repair rebuilds the store without it.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoredClockError } from '../../../src/core/errors.js';
import { createNode, type MultichatNode } from '../../../src/core/index.js';
import type { ChannelId } from '../../../src/core/types.js';
import { tempDir } from '../../support/core.js';
import { HostileAuthor } from '../p2p/injector.js';

const texts = (node: MultichatNode, ch: ChannelId) => node.listMessages(ch).map((m) => m.text);

/** A store where mallory's post carries a poisoned clock in its row, as the old ingest stored it. */
async function poisonedStore(wall: string | number) {
  const dir = tempDir();
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  const { user: alice, token } = await node.createLocalUser('alice');
  const ch = (await node.submit(alice.id, { kind: 'createChannel', name: 'general' })).channel!.id;
  await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'one' });
  const mallory = new HostileAuthor();
  await node.ingest([mallory.profile('mallory'), mallory.join(ch, node.channelHeads(ch))]);
  const evil = mallory.post(ch, node.channelHeads(ch), 'evil');
  expect((await node.ingest([evil.envelope])).applied).toEqual([evil.id]);
  await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'two' });
  await node.stop();
  const db = new Database(join(dir, 'multichat.db'));
  db.prepare('UPDATE entries SET hlc_wall = ? WHERE id = ?').run(wall, evil.id);
  db.close();
  return { dir, alice, token, ch, mallory, evil };
}

describe('a poisoned clock value in the store', () => {
  it('is refused at start with a typed error naming the entry, its author and the value', async () => {
    for (const wall of ['x', 1e300]) {
      const { dir, mallory, evil } = await poisonedStore(wall);
      const error = await createNode({ dataDir: dir, sweepIntervalMs: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoredClockError);
      const message = (error as Error).message;
      expect(message).toContain(evil.id);
      expect(message).toContain(mallory.user);
      expect(message).toContain(wall === 'x' ? 'wall "x"' : 'wall 1e+300');
      expect(message).toContain('MULTICHAT_REPAIR_CLOCKS=1');
      expect((error as StoredClockError).entries.map((e) => e.id)).toEqual([evil.id]);
      // Refused again on the next try: nothing was changed or adopted.
      await expect(createNode({ dataDir: dir, sweepIntervalMs: 0 })).rejects.toBeInstanceOf(
        StoredClockError,
      );
    }
  });

  it('is repaired on request: the store is rebuilt without it, keys and tokens kept', async () => {
    const { dir, alice, token, ch, evil } = await poisonedStore('x');
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (o: unknown) => warnings.push(o) };
    const node = await createNode({
      dataDir: dir,
      sweepIntervalMs: 0,
      repairStoredClocks: true,
      logger,
    });
    try {
      expect(warnings).toEqual([
        expect.objectContaining({ poisoned: [evil.id], dropped: expect.any(Number) }),
      ]);
      expect(node.getEntries([evil.id])).toEqual([]);
      // 'two' depended on the poisoned entry (a channel head then), so it went with it.
      expect(texts(node, ch)).toEqual(['one']);
      expect(node.userForToken(token)?.id).toBe(alice.id);
      await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'after repair' });
      await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'and again' });
      expect(texts(node, ch)).toEqual(['one', 'after repair', 'and again']);
      const backup = (warnings[0] as { backup: string }).backup;
      expect(existsSync(backup)).toBe(true);
      expect(statSync(join(dir, 'multichat.db')).mode & 0o777).toBe(0o600);
    } finally {
      await node.stop();
    }
    // And it opens normally from now on, with the full chain check.
    const again = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(texts(again, ch)).toEqual(['one', 'after repair', 'and again']);
    await again.stop();
  });
});
