/**
 * Clock poisoning and backdating (issue 15): every clock value a peer sends is bounded before
 * anything adopts or stores it. Driven through the core API (ingest), with entries a hostile
 * author built and signed by hand; the wire path is in test/unit/p2p/clock-poison.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ClockRangeError } from '../../../src/core/errors.js';
import { HybridClock, MAX_COUNTER, MAX_HOLD_MS, MAX_SKEW_MS } from '../../../src/core/hlc.js';
import type { ChannelId, MultichatNode, NodeOptions } from '../../../src/core/index.js';
import { tempNode } from '../../support/core.js';
import { HostileAuthor } from '../p2p/injector.js';

/** A node with a public channel that `mallory` (a hostile author) has joined. */
async function victim(options: Partial<NodeOptions> = {}) {
  const node = await tempNode(options);
  const alice = (await node.createLocalUser('alice')).user;
  const { channel } = await node.submit(alice.id, { kind: 'createChannel', name: 'general' });
  const ch = channel!.id;
  const mallory = new HostileAuthor();
  const setup = [mallory.profile('mallory'), mallory.join(ch, node.channelHeads(ch))];
  expect((await node.ingest(setup)).rejected).toEqual([]);
  return { node, alice, ch, mallory };
}

const texts = (node: MultichatNode, ch: ChannelId) => node.listMessages(ch).map((m) => m.text);

describe('the local clock', () => {
  it('never adopts a malformed or far-ahead value, and its counter never saturates', () => {
    const now = 1_700_000_000_000;
    const clock = new HybridClock(() => now);
    const before = clock.tick();
    for (const bad of [
      { wall: 'x', counter: 0 },
      { wall: NaN, counter: 0 },
      { wall: 1e300, counter: 0 },
      { wall: Infinity, counter: 0 },
      { wall: now, counter: 2 ** 53 - 1 },
      { wall: now + MAX_SKEW_MS + 1, counter: 0 },
    ]) {
      expect(() => clock.observe(bad as never)).toThrow(ClockRangeError);
    }
    const after = clock.tick();
    expect(after).toEqual({ wall: now, counter: before.counter + 1 });
    clock.observe({ wall: now, counter: MAX_COUNTER });
    // At the bound the wall moves on by 1 ms instead of the counter passing it.
    expect(clock.tick()).toEqual({ wall: now + 1, counter: 0 });
    expect(clock.tick()).toEqual({ wall: now + 1, counter: 1 });
  });
});

describe('entries with a poisoned clock or time', () => {
  it('refuses each attack with a typed rule, stores nothing, and the node still writes in order', async () => {
    const { node, alice, ch, mallory } = await victim();
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'before' });
    const now = Date.now();
    const attacks: [string, { hlc?: unknown; createdAt?: number }, string][] = [
      ['wall "x"', { hlc: { wall: 'x', counter: 0 } }, 'hlc.range'],
      ['wall NaN', { hlc: { wall: NaN, counter: 0 } }, 'hlc.range'],
      ['wall 1e300', { hlc: { wall: 1e300, counter: 0 } }, 'hlc.range'],
      ['wall Infinity', { hlc: { wall: Infinity, counter: 0 } }, 'hlc.range'],
      ['counter 2^53-1', { hlc: { wall: now, counter: 2 ** 53 - 1 } }, 'hlc.range'],
      ['wall two days ahead', { hlc: { wall: now + 2 * MAX_HOLD_MS, counter: 0 } }, 'hlc.range'],
      ['createdAt 2000-01-01', { createdAt: Date.UTC(2000, 0, 1) }, 'message.time'],
      ['createdAt a day ahead', { createdAt: now + MAX_HOLD_MS }, 'message.time'],
    ];
    const entriesBefore = node.metrics().entries;
    for (const [what, options, rule] of attacks) {
      const { id, envelope } = mallory.post(ch, node.channelHeads(ch), what, options);
      const result = await node.ingest([envelope]);
      expect(result.rejected, what).toEqual([{ entry: id, reason: expect.stringMatching(rule) }]);
      expect(result.rejected[0]!.reason.startsWith(`${rule}:`), what).toBe(true);
      expect(node.getEntries([id]), what).toEqual([]);
    }
    expect(node.metrics().rejections).toMatchObject({ 'hlc.range': 6, 'message.time': 2 });
    expect(node.metrics().entries).toBe(entriesBefore);
    expect(node.metrics().pending).toBe(0);
    // The clock is untouched: local writes work and list in the order they were sent.
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'after 1' });
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'after 2' });
    expect(texts(node, ch)).toEqual(['before', 'after 1', 'after 2']);
    const newest = node.listMessages(ch).at(-1)!;
    expect(Math.abs(Date.parse(String(newest.createdAt)) - Date.now())).toBeLessThan(MAX_SKEW_MS);
    // And mallory, sending an honest post, is accepted after all that.
    const honest = mallory.post(ch, node.channelHeads(ch), 'honest now');
    expect((await node.ingest([honest.envelope])).applied).toEqual([honest.id]);
    expect(texts(node, ch)).toEqual(['before', 'after 1', 'after 2', 'honest now']);
  });

  it('refuses other malformed fields before holding or storing anything', async () => {
    const { node, ch, mallory } = await victim();
    const now = Date.now();
    const cases: [string, { hlc?: unknown }, string][] = [
      ['negative wall', { hlc: { wall: -1, counter: 0 } }, 'hlc.range'],
      ['fractional wall', { hlc: { wall: now + 0.5, counter: 0 } }, 'hlc.range'],
      ['negative counter', { hlc: { wall: now, counter: -1 } }, 'hlc.range'],
      ['counter 2^32', { hlc: { wall: now, counter: 2 ** 32 } }, 'hlc.range'],
      ['extra clock field', { hlc: { wall: now, counter: 0, skew: 1 } }, 'hlc.range'],
      ['clock not a map', { hlc: [now, 0] }, 'hlc.range'],
    ];
    for (const [what, options, rule] of cases) {
      const { id, envelope } = mallory.post(ch, node.channelHeads(ch), what, options);
      const { rejected } = await node.ingest([envelope]);
      expect(
        rejected.map((r) => r.reason.split(':')[0]),
        what,
      ).toEqual([rule]);
      expect(node.getEntries([id]), what).toEqual([]);
    }
    const honest = mallory.post(ch, node.channelHeads(ch), 'ok');
    const extra = { ...honest.envelope, entry: { ...honest.envelope.entry, note: 'hi' } };
    const { rejected } = await node.ingest([extra as never]);
    expect(rejected[0]?.reason).toMatch(/^entry\.shape: unknown field "note"/);
    expect(node.metrics().pending).toBe(0);
    expect((await node.ingest([honest.envelope])).applied).toEqual([honest.id]);
  });

  it('holds an entry from slightly in the future, unadopted, and applies it once it is due', async () => {
    let now = Date.now();
    const { node, alice, ch, mallory } = await victim({ clock: () => now });
    const ahead = now + 5 * 60_000;
    const early = mallory.post(ch, node.channelHeads(ch), 'from the future', {
      hlc: { wall: ahead, counter: 0 },
      createdAt: ahead,
    });
    const held = await node.ingest([early.envelope]);
    expect(held).toMatchObject({ accepted: 0, pending: 1, rejected: [] });
    expect(node.getEntries([early.id])).toEqual([]);
    // Not adopted: a local post now is stamped with our time and lists first.
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'local' });
    expect(texts(node, ch)).toEqual(['local']);
    expect(node.metrics().rejections).toEqual({});

    now = ahead - MAX_SKEW_MS; // due: within the window of our clock
    const next = await node.ingest([]);
    expect(next.applied).toEqual([early.id]);
    expect(texts(node, ch)).toEqual(['local', 'from the future']);
    expect(node.metrics().pending).toBe(0);
  });

  it('local posts still pass after the machine clock steps back', async () => {
    let now = Date.now();
    const { node, alice, ch } = await victim({ clock: () => now });
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'first' });
    now -= 5 * 60_000; // an NTP correction
    await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'second' });
    await node.submit(alice.id, {
      kind: 'editMessage',
      message: node.listMessages(ch)[1]!.id,
      text: 'second!',
    });
    expect(texts(node, ch)).toEqual(['first', 'second!']);
  });

  it('applies a held entry on its own when its time comes (timer)', async () => {
    const { node, ch, mallory } = await victim();
    const wall = Date.now() + MAX_SKEW_MS + 300;
    const early = mallory.post(ch, node.channelHeads(ch), 'soon', {
      hlc: { wall, counter: 0 },
      createdAt: wall,
    });
    expect((await node.ingest([early.envelope])).pending).toBe(1);
    await expect.poll(() => texts(node, ch), { timeout: 5000, interval: 50 }).toEqual(['soon']);
  });
});

describe('edits and deletions need current membership', () => {
  async function world() {
    const node = await tempNode();
    const [admin, alice, bob] = await Promise.all(
      ['admin', 'alice', 'bob'].map(async (n) => (await node.createLocalUser(n)).user),
    );
    const { channel } = await node.submit(admin!.id, { kind: 'createChannel', name: 'g' });
    const ch = channel!.id;
    for (const u of [alice!, bob!]) await node.submit(u.id, { kind: 'joinChannel', channel: ch });
    return { node, admin: admin!, alice: alice!, bob: bob!, ch };
  }

  const ruleOf = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: { rule?: string }) => e.rule,
    );

  it('a departed sender can neither edit nor delete; a banned one neither; a moderator still deletes', async () => {
    const { node, admin, alice, bob, ch } = await world();
    const a = (await node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: 'a' }))
      .created!;
    const b = (await node.submit(bob.id, { kind: 'sendMessage', channel: ch, text: 'b' })).created!;
    await node.submit(alice.id, { kind: 'leaveChannel', channel: ch });
    expect(
      await ruleOf(node.submit(alice.id, { kind: 'editMessage', message: a, text: 'A' })),
    ).toBe('edit.member');
    expect(await ruleOf(node.submit(alice.id, { kind: 'redactMessage', message: a }))).toBe(
      'redaction.member',
    );
    await node.submit(admin.id, { kind: 'setRole', channel: ch, user: bob.id, role: 'banned' });
    expect(await ruleOf(node.submit(bob.id, { kind: 'editMessage', message: b, text: 'B' }))).toBe(
      'edit.banned',
    );
    expect(await ruleOf(node.submit(bob.id, { kind: 'redactMessage', message: b }))).toBe(
      'redaction.banned',
    );
    expect(texts(node, ch)).toEqual(['a', 'b']);
    // The channel's creator (its admin) may still delete what they left behind.
    await node.submit(admin.id, { kind: 'redactMessage', message: b });
    expect(texts(node, ch)).toEqual(['a', null]);
    // A member edits as before.
    await node.submit(alice.id, { kind: 'joinChannel', channel: ch });
    await node.submit(alice.id, { kind: 'editMessage', message: a, text: 'A' });
    expect(texts(node, ch)).toEqual(['A', null]);
  });
});
