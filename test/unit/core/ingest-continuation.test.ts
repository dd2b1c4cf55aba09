/**
 * Issue 24: entries that continue a stored log are checked as a run and applied without passing
 * through the pending logs (ingest.ts, applyContinuation). The same checks hold as on the general
 * path: batches cut anywhere still end up whole and in order, and a bad signature in the middle
 * of a batch is refused, stores nothing it would have authenticated, and leaves the rest waiting
 * until the genuine entry arrives.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelId, EntryEnvelope, MultichatNode, UserId } from '../../../src/core/index.js';
import { tempNode } from '../../support/core.js';

async function source(messages: number) {
  const node = await tempNode();
  const { user } = await node.createLocalUser('alice');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
  await Promise.all(
    Array.from({ length: messages }, (_, i) =>
      node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: `m${i}` }),
    ),
  );
  return { node, user: user.id, channel: channel!.id };
}

const log = (node: MultichatNode, user: UserId) => node.entriesAfter(user as never, 0, 10_000);
const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 1000 }).map((m) => m.text);

describe('ingest of entries that continue a stored log', () => {
  it('stores batches cut after unsigned entries whole and in order', async () => {
    const { node, user, channel } = await source(300);
    const entries = log(node, user);
    // Signed at least every 128th entry: cuts every 97 fall on unsigned entries.
    expect(entries.filter((e) => e.entry.sig !== undefined).length).toBeGreaterThan(2);
    const replica = await tempNode();
    let accepted = 0;
    for (let at = 0; at < entries.length; at += 97) {
      const result = await replica.ingest(entries.slice(at, at + 97), { bulk: true });
      expect(result.rejected).toEqual([]);
      accepted += result.accepted;
    }
    await replica.commitWrites();
    expect(accepted).toBe(entries.length);
    expect(replica.metrics().pending).toBe(0);
    expect(replica.frontier().get(user as never)).toBe(entries.length);
    expect(texts(replica, channel)).toEqual(texts(node, channel));
    expect(texts(replica, channel)).toHaveLength(300);
  });

  it('refuses a bad signature in the middle of a batch and waits for the genuine entry', async () => {
    const { node, user, channel } = await source(300);
    const entries = log(node, user);
    const signedAt = entries.flatMap((e, i) => (e.entry.sig === undefined ? [] : [i]));
    // The second signed entry of the message burst, with one bit of its signature flipped.
    const [firstSigned, victimAt] = signedAt.filter((i) => i > 2) as [number, number];
    const victim = entries[victimAt] as EntryEnvelope;
    const sig = Uint8Array.from(victim.entry.sig!);
    sig[10] = (sig[10] ?? 0) ^ 1;
    const forged: EntryEnvelope = { entry: { ...victim.entry, sig }, contents: victim.contents };
    const replica = await tempNode();
    const result = await replica.ingest([
      ...entries.slice(0, victimAt),
      forged,
      ...entries.slice(victimAt + 1),
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.reason).toMatch(/bad_signature/);
    // Up to the last good signature before it; everything after waits.
    expect(result.accepted).toBe(firstSigned + 1);
    expect(replica.frontier().get(user as never)).toBe(firstSigned + 1);
    expect(result.pending).toBe(entries.length - firstSigned - 2);
    const genuine = await replica.ingest([victim]);
    expect(genuine.accepted).toBe(entries.length - firstSigned - 1);
    expect(replica.metrics().pending).toBe(0);
    expect(texts(replica, channel)).toEqual(texts(node, channel));
  });
});
