import { describe, expect, it } from 'vitest';
import type { ChannelId } from '../../../src/core/types.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { startHarness } from './harness.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);

describe('delivery worker', () => {
  it('keeps per-channel order while a delivery is retried', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    h.adapter('b').failNext(2);
    for (let i = 1; i <= 6; i++)
      await h.node.submit(h.alice.id, { kind: 'sendMessage', channel: h.general, text: `m${i}` });
    await h.settle();
    // b's head failed: nothing behind it went out; a was not held back.
    expect(
      h.networks
        .get('a')
        ?.at(at('a'))
        .map((p) => p.text),
    ).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(h.networks.get('b')?.at(at('b'))).toEqual([]);
    await h.tick(1_000);
    await h.tick(2_000);
    expect(
      h.networks
        .get('b')
        ?.at(at('b'))
        .map((p) => p.text),
    ).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('waits with exponential backoff between attempts', async () => {
    const h = await startHarness([{ name: 'a' }]);
    h.adapter('a').failNext(3);
    await h.say('retry me');
    const calls = h.networks.get('a')?.calls ?? [];
    expect(calls).toHaveLength(1);
    await h.tick(999);
    expect(calls).toHaveLength(1); // not due before 1 s
    await h.tick(1);
    expect(calls).toHaveLength(2);
    await h.tick(1_999);
    expect(calls).toHaveLength(2); // not due before 2 s more
    await h.tick(1);
    await h.tick(4_000);
    expect(calls.map((c) => c.outcome)).toEqual(['fail', 'fail', 'fail', 'ok']);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));
    expect(gaps).toEqual([1_000, 2_000, 4_000]);
    expect(h.networks.get('a')?.at(at('a'))).toHaveLength(1);
  });

  it('honours the declared rate limit', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { rateLimit: { messagesPerSecond: 2, burst: 2 } } },
    ]);
    for (let i = 1; i <= 6; i++)
      await h.node.submit(h.alice.id, { kind: 'sendMessage', channel: h.general, text: `m${i}` });
    await h.settle();
    const times = (h.networks.get('a')?.calls ?? []).map(
      (c) => c.at - (h.networks.get('a')?.calls[0]?.at ?? 0),
    );
    expect(times).toHaveLength(6);
    // A burst of two, then one every 500 ms.
    expect(times[1]).toBe(0);
    for (let i = 2; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it('pauses the whole network for a reported Retry-After', async () => {
    const h = await startHarness([{ name: 'a' }]);
    const other = (await h.node.submit(h.alice.id, { kind: 'createChannel', name: 'other' }))
      .channel?.id as ChannelId;
    await h.runtime.links.create({ channel: 'other', network: 'a', target: { channel: 'side' } });
    h.adapter('a').rateLimitNext(3_000);
    await h.say('first');
    const calls = h.networks.get('a')?.calls ?? [];
    expect(calls.map((c) => c.outcome)).toEqual(['rateLimit']);
    const limitedAt = calls[0]?.at ?? 0;
    await h.say('second, elsewhere', other); // another target of the same network
    await h.tick(0);
    const later = calls.slice(1);
    expect(later.map((c) => c.outcome)).toEqual(['ok', 'ok']);
    for (const call of later) expect(call.at).toBeGreaterThanOrEqual(limitedAt + 3_000);
  });

  it('dead-letters a delivery after repeated failure, with the reason, and moves on', async () => {
    const h = await startHarness([{ name: 'a' }], { maxAttempts: 3 });
    h.adapter('a').failNext(3);
    await h.say('doomed');
    await h.tick(1_000);
    await h.tick(2_000);
    const [dead] = await h.store.outbox.listDead();
    expect(dead?.state).toBe('dead');
    expect(dead?.attempts).toBe(3);
    expect(dead?.lastError).toMatch(/gave up after 3 attempts: test failure/);
    // A dead letter is an event not carried: counted, not silent.
    h.expectDrops();
    expect(h.runtime.dropped()).toEqual([
      { network: 'a', kind: 'send', reason: 'failed', count: 1 },
    ]);
    await h.say('next');
    expect(
      h.networks
        .get('a')
        ?.at(at('a'))
        .map((p) => p.text),
    ).toEqual(['next']);
  });

  it('dead-letters at once what the network refuses permanently', async () => {
    const h = await startHarness([{ name: 'a' }]);
    h.adapter('a').failNext(1, true);
    await h.say('refused');
    const [dead] = await h.store.outbox.listDead();
    expect(dead?.attempts).toBe(1);
    expect(dead?.lastError).toMatch(/^refused by a: test failure/);
    h.expectDrops();
    expect(h.runtime.dropped()).toEqual([
      { network: 'a', kind: 'send', reason: 'failed', count: 1 },
    ]);
  });

  it('records every part of a split message and edits them all', async () => {
    const h = await startHarness([{ name: 'a', capabilities: { maxMessageLength: 4 } }]);
    const id = await h.say('abcdefgh');
    const mapped = await h.store.messages.listByMessage(id as never);
    expect(mapped.map((m) => m.externalId)).toHaveLength(2);
    await h.node.submit(h.alice.id, { kind: 'editMessage', message: id as never, text: 'new' });
    await h.settle();
    expect(h.networks.get('a')?.posts.map((p) => p.edits)).toEqual([1, 1]);
  });

  it('holds deliveries while the network is down instead of spending attempts', async () => {
    const h = await startHarness([{ name: 'a' }]);
    h.adapter('a').setHealth({ state: 'reconnecting', detail: 'socket closed' });
    await h.say('while down');
    await h.tick(60_000);
    expect(h.networks.get('a')?.calls).toEqual([]);
    expect(h.runtime.health()).toEqual({ a: { state: 'reconnecting', detail: 'socket closed' } });
    h.adapter('a').setHealth({ state: 'connected' });
    await h.settle();
    expect(h.networks.get('a')?.calls.map((c) => c.outcome)).toEqual(['ok']);
  });
});
