/**
 * A mapping store outage loses nothing (issue 23; runtime/store-wait.ts): an inbound line whose
 * lookup or mapping write fails while the store is down is held and tried again, the target's
 * later lines wait behind it, and the core stores each line once (after the core commit only the
 * mapping write is repeated). The fan-out's enqueue and a sent line's settlement wait the same
 * way. A refused statement is not retried. The live restart is test/reliability/pg-restart.
 */
import { describe, expect, it, vi } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { startHarness, type Harness } from '../router/harness.js';
import { constraintViolation, faultyStore } from './store-faults.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);
const texts = (h: Harness) => h.node.listMessages(h.general).map((m) => m.text);
const posted = (h: Harness, name: string) => h.networks.get(name)?.at(at(name)) ?? [];
const wait = { timeout: 10_000, interval: 20 };

describe('mapping store outage', () => {
  it('holds inbound lines while the lookup fails and stores each once, in order, when it is back', async () => {
    const faults = faultyStore();
    const h = await startHarness([{ name: 'a' }, { name: 'b' }], { wrapStore: faults.wrap });
    const a = h.adapter('a');
    faults.down('lookupInbound');
    const sent = ['one', 'two', 'three'].map((t) => a.receive(main, 'bob', t));
    // The first line is tried again and again; the two behind it wait in the target's queue.
    await vi.waitFor(
      () => expect(faults.failures('lookupInbound')).toBeGreaterThanOrEqual(3),
      wait,
    );
    expect(texts(h)).toEqual([]);
    faults.restore('lookupInbound');
    const ids = await Promise.all(sent);
    await h.settle();
    expect(texts(h)).toEqual(['one', 'two', 'three']);
    expect(posted(h, 'b').map((p) => p.text)).toEqual(['one', 'two', 'three']);
    for (const id of ids) {
      expect(await h.store.messages.getByExternal('a' as NetworkName, at('a'), id)).toBeDefined();
    }
  });

  it.each(['before', 'after'] as const)(
    'after the core commit repeats only the mapping write (store reached: %s)',
    async (mode) => {
      const faults = faultyStore();
      const h = await startHarness([{ name: 'a' }, { name: 'b' }], { wrapStore: faults.wrap });
      const a = h.adapter('a');
      await a.receive(main, 'bob', 'warm-up'); // bob known: the next line's first write is the mapping
      faults.fail('messages.put', 3, mode);
      const first = a.receive(main, 'bob', 'held');
      const second = a.receive(main, 'bob', 'behind it');
      await vi.waitFor(() => expect(faults.failures('messages.put')).toBe(3), wait);
      const [heldId] = await Promise.all([first, second]);
      await h.settle();
      // Once each in the core, in order; the held line's mapping is there (an edit finds it).
      expect(texts(h)).toEqual(['warm-up', 'held', 'behind it']);
      expect(posted(h, 'b').map((p) => p.text)).toEqual(['warm-up', 'held', 'behind it']);
      const mapped = await h.store.messages.getByExternal('a' as NetworkName, at('a'), heldId);
      expect(h.node.getMessage(mapped!.messageId)?.text).toBe('held');
    },
  );

  it('does not retry a refused statement: the line is counted as not bridged', async () => {
    const faults = faultyStore();
    const h = await startHarness([{ name: 'a' }], { wrapStore: faults.wrap });
    h.expectDrops((c) => c.network === 'a' && c.reason === 'failed' && c.count === 1);
    faults.fail('lookupInbound', 1, 'before', constraintViolation);
    await h.adapter('a').receive(main, 'bob', 'refused');
    await h.adapter('a').receive(main, 'bob', 'next');
    expect(faults.calls('lookupInbound')).toBe(2);
    expect(texts(h)).toEqual(['next']);
    expect(h.runtime.dropped()).toMatchObject([{ network: 'a', reason: 'failed', count: 1 }]);
  });

  it('the fan-out waits for the outbox as long as the outage lasts, in order', async () => {
    const faults = faultyStore();
    const h = await startHarness([{ name: 'a' }], { wrapStore: faults.wrap });
    // More failures in a row than the old fixed retries (3) took.
    faults.fail('outbox.enqueue', 5);
    await h.node.submit(h.alice.id, { kind: 'sendMessage', channel: h.general, text: 'first' });
    await h.node.submit(h.alice.id, { kind: 'sendMessage', channel: h.general, text: 'second' });
    await vi.waitFor(() => expect(faults.failures('outbox.enqueue')).toBe(5), wait);
    await h.settle();
    expect(posted(h, 'a').map((p) => p.text)).toEqual(['first', 'second']);
  });

  it.each(['before', 'after'] as const)(
    'a sent line is not sent again when its settlement meets the outage (store reached: %s)',
    async (mode) => {
      const faults = faultyStore();
      const h = await startHarness([{ name: 'a' }], { wrapStore: faults.wrap });
      const outcomes: string[] = [];
      h.runtime.onDelivered((d) => outcomes.push(d.outcome));
      faults.fail('outbox.markSent', 2, mode);
      await h.say('once');
      await h.say('then this');
      expect(faults.failures('outbox.markSent')).toBe(2);
      const calls = h.networks.get('a')?.calls.filter((c) => c.kind === 'send') ?? [];
      expect(calls.map((c) => c.outcome)).toEqual(['ok', 'ok']);
      expect(posted(h, 'a').map((p) => p.text)).toEqual(['once', 'then this']);
      // Settled as sent (a commit whose answer was lost counts as done, not as a failure).
      expect(outcomes).toEqual(['sent', 'sent']);
      const open = await h.store.outbox.nextDue(h.clock.now() + 3_600_000);
      expect(open).toEqual([]);
    },
  );

  it('a stop is not held by an outage', async () => {
    const faults = faultyStore();
    const h = await startHarness([{ name: 'a' }], { wrapStore: faults.wrap });
    faults.down('outbox.enqueue');
    await h.node.submit(h.alice.id, { kind: 'sendMessage', channel: h.general, text: 'late' });
    await vi.waitFor(() => expect(faults.failures('outbox.enqueue')).toBeGreaterThan(0), wait);
    await h.runtime.stop(10);
    expect(posted(h, 'a')).toEqual([]);
  });
});
