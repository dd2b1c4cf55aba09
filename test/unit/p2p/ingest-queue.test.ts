import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/core/identity.js';
import { createEntry, type SealedEntry } from '../../../src/core/log.js';
import { IngestQueue } from '../../../src/core/p2p/ingest-queue.js';
import type { ChannelId, EntryEnvelope, EntryId } from '../../../src/core/types.js';
import { FakeNode } from './fake-node.js';

const env = (s: SealedEntry): EntryEnvelope => ({ entry: s.entry, contents: new Map() });

describe('adaptive ingest batches', () => {
  it('reports each entry’s own fate when several go to the node in one call', async () => {
    const source = new FakeNode();
    const entries = Array.from({ length: 6 }, () => source.append('c1'));
    const sink = new FakeNode();
    await sink.ingest([env(entries[0]!)]);
    const stranger = generateKeyPair();
    sink.members.add(source.address);
    const intruder = createEntry(stranger, {
      seq: 1,
      prev: null,
      hlc: { wall: Date.now() + 5, counter: 0 },
      tx: {
        intent: 'sendMessage',
        actor: stranger.address as never,
        consumes: [],
        creates: [],
        channel: 'c1' as ChannelId,
        deps: [],
      },
    });
    const queue = new IngestQueue(sink);
    const fates = await Promise.all([
      queue.offer(entries[0]!.id, env(entries[0]!)), // already stored
      queue.offer(entries[1]!.id, env(entries[1]!)),
      queue.offer(entries[2]!.id, env(entries[2]!)),
      queue.offer(entries[4]!.id, env(entries[4]!)), // seq 3 is missing
      queue.offer(intruder.id as EntryId, env(intruder)),
    ]);
    expect(fates.map((f) => f.kind)).toEqual([
      'duplicate',
      'accepted',
      'accepted',
      'pending',
      'rejected',
    ]);
    // The first offer ran alone (the queue was idle); the other four went in one call.
    expect(sink.ingestCalls).toBe(1 + 2);
    // The missing entry arrives: the held one is applied with it.
    expect((await queue.offer(entries[3]!.id, env(entries[3]!))).kind).toBe('accepted');
    expect(sink.ids()).toContain(entries[4]!.id);
  });
});
