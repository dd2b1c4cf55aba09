/**
 * Contract cases for the operator's outbox calls (list, summary, requeue, discard), run inside
 * `describeMappingStoreContract` for SQLite and PostgreSQL alike.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelId } from '../../src/core/types.js';
import {
  DeliveryNotFoundError,
  DeliveryStateError,
  OutboxCursorError,
  targetKeyOf,
} from '../../src/mapping/index.js';
import type {
  DeliveryId,
  DeliveryInput,
  LinkId,
  MappingStore,
  MappingStoreOptions,
  NetworkName,
  TargetKey,
} from '../../src/mapping/index.js';

export function describeOutboxAdmin(
  store: (options?: MappingStoreOptions) => Promise<MappingStore>,
): void {
  const net = (s: string) => s as NetworkName;
  const IRC = targetKeyOf(net('irc'), { network: 'libera', channel: '#proj' });
  const MX = targetKeyOf(net('matrix'), { room: '!abc:hs' });
  const input = (key: string, network: NetworkName, targetKey: TargetKey): DeliveryInput => ({
    idempotencyKey: key,
    linkId: `link-${network}` as LinkId,
    network,
    targetKey,
    channel: 'c1' as ChannelId,
    action: { kind: 'send', text: key },
    nextAttemptAt: 0,
  });

  describe('outbox for operators', () => {
    it('lists undelivered deliveries oldest first, a page at a time, filtered', async () => {
      let t = 100;
      const s = await store({ now: () => t++ });
      const keys = ['a1', 'b1', 'a2', 'a3', 'b2'];
      for (const k of keys) {
        await s.outbox.enqueue([
          input(k, net(k[0] === 'a' ? 'irc' : 'matrix'), k[0] === 'a' ? IRC : MX),
        ]);
      }
      const [sent] = await s.outbox.enqueue([input('a4', net('irc'), IRC)]);
      await s.outbox.markSending(sent!.id);
      await s.outbox.markSent(sent!.id, []);
      const first = await s.outbox.list({ limit: 2 });
      expect(first.items.map((d) => d.idempotencyKey)).toEqual(['a1', 'b1']);
      expect(first.next).toEqual(expect.any(String));
      const second = await s.outbox.list({ limit: 2, after: first.next! });
      expect(second.items.map((d) => d.idempotencyKey)).toEqual(['a2', 'a3']);
      const third = await s.outbox.list({ limit: 2, after: second.next! });
      // The sent one is never listed; the last page has no `next`.
      expect(third.items.map((d) => d.idempotencyKey)).toEqual(['b2']);
      expect(third.next).toBeUndefined();
      const irc = await s.outbox.list({ network: net('irc') });
      expect(irc.items.map((d) => d.idempotencyKey)).toEqual(['a1', 'a2', 'a3']);
      await s.outbox.markDead(irc.items[1]!.id, 'HTTP 403');
      const dead = await s.outbox.list({ states: ['dead'] });
      expect(dead.items.map((d) => [d.idempotencyKey, d.lastError])).toEqual([['a2', 'HTTP 403']]);
      const byLink = await s.outbox.list({ linkId: 'link-matrix' as LinkId });
      expect(byLink.items.map((d) => d.idempotencyKey)).toEqual(['b1', 'b2']);
      await expect(s.outbox.list({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(
        OutboxCursorError,
      );
    });

    it('summarizes per link and state with the latest error', async () => {
      let t = 1_000;
      const s = await store({ now: () => t++ });
      const rows = await s.outbox.enqueue([
        input('a1', net('irc'), IRC),
        input('a2', net('irc'), IRC),
        input('a3', net('irc'), IRC),
        input('b1', net('matrix'), MX),
      ]);
      await s.outbox.markDead(rows[0]!.id, 'older error');
      await s.outbox.markDead(rows[1]!.id, 'newer error');
      await s.outbox.markSending(rows[2]!.id);
      await s.outbox.markRetry(rows[2]!.id, 'timeout', 5_000);
      expect(await s.outbox.summary()).toEqual([
        {
          linkId: 'link-irc',
          network: 'irc',
          state: 'dead',
          count: 2,
          oldestAt: rows[0]!.createdAt,
          lastError: 'newer error',
        },
        {
          linkId: 'link-irc',
          network: 'irc',
          state: 'pending',
          count: 1,
          oldestAt: rows[2]!.createdAt,
          lastError: 'timeout',
        },
        {
          linkId: 'link-matrix',
          network: 'matrix',
          state: 'pending',
          count: 1,
          oldestAt: rows[3]!.createdAt,
          lastError: null,
        },
      ]);
    });

    it('requeue makes a dead delivery due at once with fresh attempts, ahead of later ones', async () => {
      let t = 10;
      const s = await store({ now: () => t });
      const [a1, a2] = await s.outbox.enqueue([
        input('a1', net('irc'), IRC),
        input('a2', net('irc'), IRC),
      ]);
      await s.outbox.markSending(a1!.id);
      await s.outbox.markDead(a1!.id, 'refused');
      t = 50;
      const again = await s.outbox.requeue(a1!.id);
      expect(again).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: 50 });
      expect((await s.outbox.nextDue(50)).map((d) => d.id)).toEqual([a1!.id]);
      await s.outbox.markSending(a2!.id);
      await expect(s.outbox.requeue(a2!.id)).rejects.toBeInstanceOf(DeliveryStateError);
      await expect(s.outbox.requeue('missing' as DeliveryId)).rejects.toBeInstanceOf(
        DeliveryNotFoundError,
      );
    });

    it('discard deletes pending and dead deliveries, never one in flight or sent', async () => {
      const s = await store();
      const [p, d, f] = await s.outbox.enqueue([
        input('p', net('irc'), IRC),
        input('d', net('matrix'), MX),
        input('f', net('irc'), targetKeyOf(net('irc'), { network: 'oftc', channel: '#x' })),
      ]);
      await s.outbox.markDead(d!.id, 'gone');
      await s.outbox.discard(p!.id);
      await s.outbox.discard(d!.id);
      expect(await s.outbox.get(p!.id)).toBeUndefined();
      expect(await s.outbox.get(d!.id)).toBeUndefined();
      await s.outbox.markSending(f!.id);
      await expect(s.outbox.discard(f!.id)).rejects.toBeInstanceOf(DeliveryStateError);
      await s.outbox.markSent(f!.id, []);
      await expect(s.outbox.discard(f!.id)).rejects.toBeInstanceOf(DeliveryStateError);
      await expect(s.outbox.discard(p!.id)).rejects.toBeInstanceOf(DeliveryNotFoundError);
      expect((await s.outbox.list()).items).toEqual([]);
    });
  });
}
