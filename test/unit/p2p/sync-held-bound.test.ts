/**
 * A catch-up holds a bounded number of entries between receiving them and committing them: each
 * entry of the open bulk transaction stays decoded in memory until its commit (its events follow
 * the commit), so that count, not the size of the backlog, sets the receiver's memory.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { INGEST_SLICE } from '../../../src/core/p2p/sync-client.js';
import { BULK_COMMIT_ENTRIES } from '../../../src/core/store/database.js';
import { startRealNode } from './real-nodes.js';

/** The receiving node's write path (white box): its gauge of uncommitted bulk entries. */
interface Internals {
  readonly commit: { readonly mostHeldBulkEntries: number };
}
const internalsOf = (node: MultichatNode) =>
  (node as unknown as { internals: Internals }).internals;

/** The peer's batches are larger than what the receiver decodes at once. */
const BATCH = 4 * INGEST_SLICE;
/** Three full commits and a part: a backlog several times the bound. */
const MESSAGES = 3 * BULK_COMMIT_ENTRIES + 100;

const digest = (texts: readonly (string | null | undefined)[]) =>
  createHash('sha256').update(texts.join('\n')).digest('hex');

describe('catch-up memory bound', () => {
  it('never holds more than one commit plus one slice of entries uncommitted, whatever the batch, and receives everything', async () => {
    const a = await startRealNode({ p2p: { batchEntries: BATCH } });
    const { user } = await a.node.createLocalUser('alice');
    const created = await a.node.submit(user.id, { kind: 'createChannel', name: 'backlog' });
    const channel = created.channel!.id;
    for (let sent = 0; sent < MESSAGES; sent += 500) {
      const burst = [];
      for (let i = sent; i < Math.min(sent + 500, MESSAGES); i += 1) {
        burst.push(a.node.submit(user.id, { kind: 'sendMessage', channel, text: `line ${i}` }));
      }
      await Promise.all(burst);
    }

    const b = await startRealNode();
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.fetchChannel(channel);
    await b.p2p.syncNow();

    expect(b.node.metrics().entries).toBe(a.node.metrics().entries);
    expect(b.node.metrics().pending).toBe(0);
    const texts = (node: MultichatNode) => {
      const all: (string | null | undefined)[] = [];
      let page = node.listMessages(channel, { limit: 500 });
      while (page.length > 0) {
        all.unshift(...page.map((m) => m.text));
        page = node.listMessages(channel, { limit: 500, before: page[0]!.id });
      }
      return all;
    };
    expect(texts(b.node)).toHaveLength(MESSAGES);
    expect(digest(texts(b.node))).toBe(digest(texts(a.node)));
    const held = internalsOf(b.node).commit.mostHeldBulkEntries;
    // The store committed when a bulk transaction reached the bound; at most the rest of the
    // slice that crossed it was applied before that commit ran, whatever the peer's batch.
    expect(held).toBeLessThan(BULK_COMMIT_ENTRIES + INGEST_SLICE);
    // And the bound was reached: the catch-up did commit in full-size transactions.
    expect(held).toBeGreaterThanOrEqual(BULK_COMMIT_ENTRIES);
  }, 60_000);
});
