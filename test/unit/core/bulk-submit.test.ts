/**
 * Bulk writes (a history import): `submit(…, { bulk: true })` settles once the entry is written,
 * many of them share one commit (so one signature per author and run), `commitWrites()` makes
 * them durable, and a peer accepts the whole log.
 */
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { MAX_UNSIGNED_RUN } from '../../../src/core/batch-signer.js';
import { allEnvelopes, tempDir, tempNode } from '../../support/core.js';

const COUNT = 300;

describe('bulk submit', () => {
  it('writes many messages in one commit, durable after commitWrites, verifiable by a peer', async () => {
    const dataDir = tempDir();
    const node: MultichatNode = await tempNode({ dataDir });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      const result = await node.submit(
        user.id,
        { kind: 'sendMessage', channel: channel!.id, text: `old ${i}` },
        { bulk: true },
      );
      ids.push(result.created!);
    }
    await node.commitWrites();
    const entries = node.entriesAfter(user.id as never, 0, 10_000);
    const bulk = entries.slice(-COUNT);
    // One commit for the run: only every 128th entry and the newest carry a signature.
    const signed = bulk.filter((e) => e.entry.sig !== undefined).length;
    expect(signed).toBe(Math.ceil(COUNT / (MAX_UNSIGNED_RUN + 1)));
    expect(bulk.at(-1)?.entry.sig).toBeDefined();

    await node.stop();
    const reopened = await tempNode({ dataDir });
    const texts = reopened.listMessages(channel!.id, { limit: COUNT }).map((m) => m.text);
    expect(texts).toEqual(ids.map((_, i) => `old ${i}`));

    const peer = await tempNode();
    const result = await peer.ingest(allEnvelopes(reopened));
    expect(result.rejected).toEqual([]);
    expect(peer.listMessages(channel!.id, { limit: COUNT }).map((m) => m.id)).toEqual(ids);
  });

  it('commitWrites with nothing written resolves', async () => {
    const node = await tempNode();
    await expect(node.commitWrites()).resolves.toBeUndefined();
  });
});
