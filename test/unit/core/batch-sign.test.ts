/**
 * One signature per batch: a burst of local intents is stored with only the newest entry of
 * the batch (and every 128th, and the last before a channel switch) signed, and peers accept
 * the unsigned entries only once a signed successor authenticates them.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../../src/core/index.js';
import { StoreFormatError } from '../../../src/core/errors.js';
import type { ChannelId, EntryEnvelope, MultichatNode, UserId } from '../../../src/core/index.js';
import { MAX_UNSIGNED_RUN } from '../../../src/core/batch-signer.js';
import { seal } from '../../../src/core/log.js';
import { tempDir, tempNode } from '../../support/core.js';

async function burst(node: MultichatNode, user: UserId, channel: ChannelId, count: number) {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      node.submit(user, { kind: 'sendMessage', channel, text: `burst ${i}` }),
    ),
  );
}

async function source(dataDir = tempDir()) {
  const node = await tempNode({ dataDir });
  const { user } = await node.createLocalUser('alice');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
  return { node, user: user.id, channel: channel!.id, dataDir };
}

const log = (node: MultichatNode, user: UserId) => node.entriesAfter(user as never, 0, 10_000);
const signed = (envelopes: EntryEnvelope[]) =>
  envelopes.flatMap((e, i) => (e.entry.sig === undefined ? [] : [i]));

/** The node's write path (white box): to make one write of a transaction fail. */
interface Internals {
  readonly db: { readonly inTransaction: boolean };
  readonly commit: { run(write: () => void): unknown };
}
const internalsOf = (node: MultichatNode) =>
  (node as unknown as { internals: Internals }).internals;

describe('batch signatures', () => {
  it('still signs the other entries of a transaction when one write in it is rolled back', async () => {
    const { node, user, channel } = await source();
    const { db, commit } = internalsOf(node);
    const kept = node.submit(user, { kind: 'sendMessage', channel, text: 'kept' });
    // Once the post is written, the transaction stays open until the next turn.
    for (let i = 0; i < 1000 && !db.inTransaction; i += 1) await Promise.resolve();
    expect(db.inTransaction).toBe(true);
    expect(() =>
      commit.run(() => {
        throw new Error('this write fails');
      }),
    ).toThrow('this write fails');
    await kept;
    const entries = log(node, user);
    expect(entries.at(-1)?.entry.sig).toBeDefined();
    const replica = await tempNode();
    const result = await replica.ingest(entries);
    expect(result.rejected).toEqual([]);
    expect(result.pending).toBe(0);
    expect(replica.listMessages(channel).map((m) => m.text)).toEqual(['kept']);
  });

  it('signs the newest entry of a burst and at least every 128th, and the store reopens verified', async () => {
    const { node, user, channel, dataDir } = await source();
    await burst(node, user, channel, 300);
    const entries = log(node, user);
    expect(entries).toHaveLength(302);
    const positions = signed(entries);
    // createUserProfile and createChannel were each their own batch; the burst is one batch.
    expect(positions).toEqual([0, 1, 1 + 128, 1 + 256, 301]);
    let run = 0;
    for (const e of entries) run = e.entry.sig === undefined ? run + 1 : 0;
    expect(run).toBe(0);
    expect(Math.max(...positions.slice(1).map((p, i) => p - positions[i]! - 1))).toBe(
      MAX_UNSIGNED_RUN,
    );
    await node.stop();
    const reopened = await createNode({ dataDir, sweepIntervalMs: 0 });
    expect(reopened.listMessages(channel, { limit: 500 })).toHaveLength(300);
    await reopened.stop();
  });

  it('signs the last entry before the author switches channel', async () => {
    const { node, user, channel } = await source();
    const { channel: other } = await node.submit(user, { kind: 'createChannel', name: 'other' });
    await Promise.all([
      node.submit(user, { kind: 'sendMessage', channel, text: 'g1' }),
      node.submit(user, { kind: 'sendMessage', channel, text: 'g2' }),
      node.submit(user, { kind: 'sendMessage', channel: other!.id, text: 'o1' }),
      node.submit(user, { kind: 'sendMessage', channel: other!.id, text: 'o2' }),
      node.submit(user, { kind: 'sendMessage', channel, text: 'g3' }),
    ]);
    const texts = log(node, user)
      .slice(3)
      .map((e) => `${e.entry.sig ? 'signed' : 'unsigned'}`);
    expect(texts).toEqual(['unsigned', 'signed', 'unsigned', 'signed', 'signed']);
  });

  it('a peer holds unsigned entries until their signed successor arrives, then applies all', async () => {
    const { node, user, channel } = await source();
    await burst(node, user, channel, 100);
    const entries = log(node, user);
    const replica = await tempNode();
    // Everything up to the middle of the burst: the unsigned tail cannot be authenticated yet.
    const first = await replica.ingest(entries.slice(0, 52));
    expect(first.accepted).toBe(2);
    expect(first.pending).toBe(50);
    expect(first.rejected).toEqual([]);
    expect(replica.frontier().get(user as never)).toBe(2);
    const rest = await replica.ingest(entries.slice(52));
    expect(rest.accepted).toBe(100);
    expect(replica.metrics().pending).toBe(0);
    expect(replica.listMessages(channel, { limit: 500 }).map((m) => m.text)).toEqual(
      node.listMessages(channel, { limit: 500 }).map((m) => m.text),
    );
  });

  it('never stores an altered unsigned entry, and the genuine one still gets through', async () => {
    const { node, user, channel } = await source();
    await burst(node, user, channel, 10);
    const entries = log(node, user);
    const victim = entries[5]!;
    expect(victim.entry.sig).toBeUndefined();
    const hlc = { ...victim.entry.hlc, counter: victim.entry.hlc.counter + 1 };
    const altered: EntryEnvelope = { entry: { ...victim.entry, hlc }, contents: victim.contents };
    const replica = await tempNode();
    const first = await replica.ingest([...entries.slice(0, 5), altered, ...entries.slice(6)]);
    // The altered entry has another id: the signed newest entry's chain does not lead through it.
    expect(first.accepted).toBe(2);
    expect(replica.getEntries([seal(altered.entry).id])).toEqual([]);
    expect(replica.frontier().get(user as never)).toBe(2);
    // It waits beside the genuine entry instead of taking its place.
    const second = await replica.ingest([victim]);
    expect(second.accepted).toBe(10);
    expect(replica.frontier().get(user as never)).toBe(12);
    expect(replica.getEntries([seal(altered.entry).id])).toEqual([]);
    expect(replica.listMessages(channel, { limit: 50 }).map((m) => m.text)).toEqual(
      node.listMessages(channel, { limit: 50 }).map((m) => m.text),
    );
  });

  it('never stores entries that nobody signed, however many arrive', async () => {
    const { node, user, channel } = await source();
    await burst(node, user, channel, 20);
    const unsignedOnly = log(node, user).filter((e) => e.entry.sig === undefined);
    const replica = await tempNode();
    await replica.ingest(log(node, user).slice(0, 2));
    const result = await replica.ingest(unsignedOnly);
    expect(result.accepted).toBe(0);
    expect(result.pending).toBe(19);
    expect(replica.frontier().get(user as never)).toBe(2);
  });

  it('refuses, by name, a data directory written in the older log format', async () => {
    const { node, dataDir } = await source();
    await node.stop();
    const db = new Database(join(dataDir, 'multichat.db'));
    db.prepare("DELETE FROM meta WHERE key = 'log_format'").run();
    db.close();
    await expect(createNode({ dataDir, sweepIntervalMs: 0 })).rejects.toThrow(StoreFormatError);
    await expect(createNode({ dataDir, sweepIntervalMs: 0 })).rejects.toThrow(/format 1/);
  });

  it('counts entries of the still-open transaction in the frontier', async () => {
    const { node, user, channel } = await source();
    const before = node.frontier().get(user as never)!;
    // submit writes synchronously and resolves after the commit on the next turn.
    const pending = node.submit(user, { kind: 'sendMessage', channel, text: 'not yet committed' });
    expect(node.frontier().get(user as never)).toBe(before + 1);
    await pending;
    expect(node.frontier().get(user as never)).toBe(before + 1);
  });
});

describe('an entry first received unsigned', () => {
  it('is applied when the same entry arrives again with its signature, without a successor', async () => {
    const { node, user, channel } = await source();
    await node.submit(user, { kind: 'sendMessage', channel, text: 'last of its batch' });
    const stored = log(node, user);
    const newest = stored[stored.length - 1]!;
    expect(newest.entry.sig).toBeDefined();
    const { sig: _sig, ...unsignedEntry } = newest.entry;
    const peer = await tempNode();

    // Read before its author signed it (as a sync server can, mid-commit): it must wait.
    const first = await peer.ingest([...stored.slice(0, -1), { ...newest, entry: unsignedEntry }]);
    expect(first.pending).toBe(1);
    expect(peer.listMessages(channel, { limit: 10 }).map((m) => m.text)).toEqual([]);

    // The signed copy (gossip after the commit, or a repair fetch) authenticates it.
    const second = await peer.ingest([newest]);
    expect(second.accepted).toBeGreaterThan(0);
    expect(peer.metrics().pending).toBe(0);
    expect(peer.listMessages(channel, { limit: 10 }).map((m) => m.text)).toEqual([
      'last of its batch',
    ]);
  });
});
