/**
 * The crash window between the core's commit and the mapping write (runtime/unmapped-tail.ts):
 * a message the core stored whose mapping was never written is read again by backfill after the
 * restart. It must get its mapping back, not a second copy in the core and on the other networks
 * (kill-discord-slack stored a Discord message twice in 1 of 3 runs before this).
 */
import { describe, expect, it } from 'vitest';
import type { ExternalUserId, InboundEvent } from '../../../src/bridges/types.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { ExternalMessageId, NetworkName } from '../../../src/mapping/types.js';
import { startHarness, type Harness } from '../router/harness.js';
import { constraintViolation, faultyStore } from './store-faults.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);
// Sorted: a backfilled message reads by its original (virtual-clock) time, live ones by the node's.
const texts = (h: Harness) =>
  h.node
    .listMessages(h.general)
    .map((m) => m.text)
    .sort();
const posted = (h: Harness, name: string) =>
  (h.networks.get(name)?.at(at(name)) ?? []).map((p) => p.text).sort();

const reRead = (h: Harness, externalId: string, text: string, target = main): InboundEvent => ({
  kind: 'message',
  target,
  externalId: externalId as ExternalMessageId,
  sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
  text,
  historyTime: h.clock.now() - 60_000,
});

describe('crash window between the core commit and the mapping write', () => {
  it('a re-read message the core already has gets its mapping back, not a second copy', async () => {
    const faults = faultyStore();
    const h = await startHarness([{ name: 'a' }, { name: 'b' }], { wrapStore: faults.wrap });
    const a = h.adapter('a');
    await a.receive(main, 'bob', 'warm-up');
    // The mapping write after the commit never happens (as if the process died there); the
    // refusal is counted as a line not bridged.
    h.expectDrops((c) => c.network === 'a' && c.reason === 'failed' && c.count === 1);
    faults.fail('messages.put', 1, 'before', constraintViolation);
    const lostMapping = await a.receive(main, 'bob', 'stored before the crash');
    await h.settle();
    expect(await h.store.messages.getByExternal('a' as NetworkName, at('a'), lostMapping)).toBe(
      undefined,
    );

    // Backfill after the restart reads it again, then a message that was really missed.
    await a.inject(reRead(h, lostMapping, 'stored before the crash'));
    await a.inject(reRead(h, 'missed-while-down', 'missed while down'));
    await h.settle();

    const once = ['missed while down', 'stored before the crash', 'warm-up'];
    expect(texts(h)).toEqual(once);
    expect(posted(h, 'b')).toEqual(once);
    const restored = await h.store.messages.getByExternal('a' as NetworkName, at('a'), lostMapping);
    expect(h.node.getMessage(restored!.messageId)?.text).toBe('stored before the crash');
    // Asked again (a second backfill pass), it is not stored again either: the mapping holds.
    await a.inject(reRead(h, lostMapping, 'stored before the crash'));
    await h.settle();
    expect(texts(h)).toHaveLength(3);
  });

  it('a re-read message of another target with the same external id is stored', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const a = h.adapter('a');
    const other = { channel: 'elsewhere' };
    await h.runtime.links.create({ channel: h.general, network: 'a', target: other });
    const id = await a.receive(main, 'bob', 'said in main');
    await a.inject(reRead(h, id, 'said elsewhere', other));
    await h.settle();
    expect(texts(h)).toEqual(['said elsewhere', 'said in main']);
  });
});
