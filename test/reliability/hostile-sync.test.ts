/**
 * Issue 23, hostile P2P over sync: a peer that answers a sync request with a forged entry, a
 * fork of an author's log, or a message over the size limit: nothing it sent is stored. A forged
 * entry scores the peer down; a fork and an oversized message do not, by the rule in
 * src/core/p2p/peer-fault.ts (refusals that depend on the receiver's state or limits can come
 * from an honest peer whose view differs, so they cost nothing in sync). Complements what exists (not repeated here): forged, replayed,
 * non-member and unsigned entries on the gossip topic (test/unit/p2p/gossip.test.ts), a
 * malformed or far-future clock over sync (test/unit/p2p/sync-peer-fault.test.ts), forged,
 * replayed and non-member entries between gateway processes (test/integration/p2p-cluster), and
 * forks at ingest (test/unit/core/log.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FrameReader, writeFrame } from '../../src/core/p2p/codec.js';
import { SYNC_PROTOCOL } from '../../src/core/p2p/sync-messages.js';
import type { EntryEnvelope } from '../../src/core/types.js';
import { encodeEnvelope } from '../../src/core/wire.js';
import { HostileAuthor, WireInjector } from '../unit/p2p/injector.js';
import { startRealNode, type RunningNode } from '../unit/p2p/real-nodes.js';

const injectors: WireInjector[] = [];
afterEach(async () => {
  for (const i of injectors.splice(0)) await i.stop();
});

/** A peer that answers every `want` with one batch holding `envelopes`, then `done`. */
async function hostileServer(envelopes: EntryEnvelope[]): Promise<WireInjector> {
  const evil = await WireInjector.start();
  injectors.push(evil);
  await evil.host.handle(SYNC_PROTOCOL, (stream) => {
    void (async () => {
      const reader = new FrameReader(stream);
      for (;;) {
        const frame = (await reader.next()) as { t?: string } | undefined;
        if (frame === undefined) break;
        if (frame.t !== 'want') continue;
        await writeFrame(stream, { t: 'batch', entries: envelopes.map((e) => encodeEnvelope(e)) });
        await writeFrame(stream, { t: 'done', sent: envelopes.length });
      }
      await stream.close();
    })().catch(() => stream.abort(new Error('hostile server ended')));
  });
  return evil;
}

/** Syncs `victim` from a peer serving `envelopes`; returns the peer's refusal score after. */
async function syncFrom(victim: RunningNode, envelopes: EntryEnvelope[]): Promise<number> {
  const evil = await hostileServer(envelopes);
  await victim.p2p.dial(evil.host.getMultiaddrs()[0]!.toString());
  await victim.p2p.syncNow();
  return victim.p2p.status().refused[evil.host.peerId.toString()] ?? 0;
}

/** A victim with a public channel that `mallory` joined legitimately (so she may post). */
async function victimWithMember(mallory: HostileAuthor) {
  const victim = await startRealNode();
  const owner = (await victim.node.createLocalUser('owner')).user;
  const channel = (await victim.node.submit(owner.id, { kind: 'createChannel', name: 'pub' }))
    .channel!.id;
  const profile = mallory.profile('mallory');
  const join = mallory.join(channel, []);
  const ingested = await victim.node.ingest([profile, join]);
  expect(ingested.rejected).toEqual([]);
  return { victim, channel };
}

describe('a sync peer serving hostile entries', () => {
  it('a forged entry (changed after signing) is refused, scored, not stored', async () => {
    const victim = await startRealNode();
    const mallory = new HostileAuthor();
    const genuine = mallory.profile('mallory');
    const forged = {
      entry: { ...genuine.entry, hlc: { wall: genuine.entry.hlc.wall + 1, counter: 0 } },
      contents: new Map(),
    };
    const before = victim.node.metrics().entries;
    expect(await syncFrom(victim, [forged])).toBeGreaterThanOrEqual(0.9);
    expect(victim.node.metrics().entries).toBe(before);
    expect(victim.node.frontier().has(mallory.pair.address)).toBe(false);
  });

  it('a fork (a second, different entry at a stored seq) is not stored, and not scored', async () => {
    const mallory = new HostileAuthor();
    const { victim, channel } = await victimWithMember(mallory);
    const post = mallory.post(channel, [], 'the real third entry');
    expect((await victim.node.ingest([post.envelope])).rejected).toEqual([]);
    const before = victim.node.metrics().entries;
    // Another entry at the same seq, on the same prev: the log forks.
    const fork = mallory.post(channel, [], 'a different third entry');
    expect(fork.id).not.toBe(post.id);
    // Served with a valid entry of someone else, which is taken: the batch did arrive.
    const control = new HostileAuthor().profile('control');
    expect(await syncFrom(victim, [fork.envelope, control])).toBe(0);
    expect(victim.node.metrics().entries).toBe(before + 1);
    expect(victim.node.getEntries([fork.id])).toEqual([]);
    expect(victim.node.getEntries([post.id])).toHaveLength(1);
  });

  it('a message over the size limit is not stored, and not scored', async () => {
    const mallory = new HostileAuthor();
    const { victim, channel } = await victimWithMember(mallory);
    const before = victim.node.metrics().entries;
    const huge = mallory.post(channel, [], 'x'.repeat(64 * 1024 + 1));
    expect(await syncFrom(victim, [huge.envelope])).toBe(0);
    expect(victim.node.metrics().entries).toBe(before);
    expect(victim.node.getEntries([huge.id])).toEqual([]);
    // The same message within the limit is taken: the size was the reason.
    const fits = mallory.post(channel, [], 'x'.repeat(64 * 1024));
    await syncFrom(victim, [fits.envelope]);
    expect(victim.node.getEntries([fits.id])).toHaveLength(1);
  });
});
