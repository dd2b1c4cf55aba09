/**
 * Three real gateway processes on loopback share a channel with no special participant:
 * delivery and order, catch-up of a restarted node, a healed partition, and entries forged,
 * replayed or posted by a non-member on the wire.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceIdOf } from '../../src/core/resources.js';
import { channelTopic } from '../../src/core/p2p/topics.js';
import type { EntryId } from '../../src/core/types.js';
import { GatewayProcess, type MessageJson } from '../peers/gateway-process.js';
import { eventually } from '../support/eventually.js';
import { WireInjector, forgeNext, strangerPost } from '../unit/p2p/injector.js';

interface Member {
  gw: GatewayProcess;
  token: string;
}

let a: Member;
let b: Member;
let c: Member;
let channel = '';

const until = (what: string, check: () => Promise<boolean>, ms = 60_000) =>
  eventually(check, { what, timeoutMs: ms, intervalMs: 200 });

const ids = (history: MessageJson[]) => history.map((m) => m.id);
const history = (m: Member) => m.gw.history(m.token, channel);

/** Waits until all members show the same history of `count` messages; returns it. */
async function converged(count: number, members = [a, b, c]): Promise<MessageJson[]> {
  let last: MessageJson[][] = [];
  await until(`${count} messages everywhere`, async () => {
    last = await Promise.all(members.map(history));
    return last.every((h) => h.length === count);
  });
  return last[0]!;
}

async function peersOf(m: Member): Promise<number> {
  return (await m.gw.status()).peers;
}

/** Posts `n` messages with a few requests in flight at once. */
async function postMany(m: Member, n: number, prefix: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await m.gw.post(m.token, channel, `${prefix}${i}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

beforeAll(async () => {
  const ga = await GatewayProcess.start('a');
  const gb = await GatewayProcess.start('b', [ga.address]);
  const gc = await GatewayProcess.start('c', [ga.address, gb.address]);
  a = { gw: ga, token: (await ga.createUser('alice')).token };
  b = { gw: gb, token: (await gb.createUser('bob')).token };
  c = { gw: gc, token: (await gc.createUser('carol')).token };
  await until('full mesh', async () =>
    (await Promise.all([a, b, c].map(peersOf))).every((n) => n === 2),
  );
  channel = await a.gw.createChannel(a.token, 'general');
  await a.gw.post(a.token, channel, 'welcome');
  // B and C have never seen the channel: joining by id fetches it from peers.
  for (const m of [b, c]) {
    const joined = await m.gw.api('POST', `/api/v1/channels/${channel}/join`, undefined, m.token);
    if (joined.status !== 200) {
      throw new Error(
        `join of a channel known only to a peer answered ${joined.status}: the join route must ` +
          `call status.p2p.fetchChannel(id) for an unknown channel (${JSON.stringify(joined.body)})`,
      );
    }
  }
  await converged(1);
  await new Promise((r) => setTimeout(r, 1500)); // a gossipsub heartbeat grafts the channel mesh
}, 180_000);

afterAll(async () => {
  await Promise.all([a, b, c].filter(Boolean).map((m) => m.gw.destroy()));
});

describe('three gateway processes', () => {
  it('a message posted on A appears on B and C, and all show the same channel order', async () => {
    await a.gw.post(a.token, channel, 'from a');
    await Promise.all([
      b.gw.post(b.token, channel, 'from b'),
      c.gw.post(c.token, channel, 'from c'),
    ]);
    const h = await converged(4);
    expect(h.map((m) => m.text).sort()).toEqual(['from a', 'from b', 'from c', 'welcome']);
    const [ha, hb, hc] = await Promise.all([a, b, c].map(history));
    expect(ids(hb!)).toEqual(ids(ha!));
    expect(ids(hc!)).toEqual(ids(ha!));
    const status = await b.gw.status();
    expect(status.peers).toBe(2);
  });

  it('a stopped node catches up 1,000 messages after a restart; its history equals A’s', async () => {
    const before = (await history(a)).length;
    expect(await c.gw.stop()).toBe(0);
    await postMany(a, 1000, 'offline-');
    await c.gw.restart([a.gw.address, b.gw.address]);
    const h = await converged(before + 1000);
    const [ha, hc] = await Promise.all([history(a), history(c)]);
    expect(ids(hc)).toEqual(ids(ha));
    expect(h.filter((m) => m.text?.startsWith('offline-'))).toHaveLength(1000);
  }, 240_000);

  it('a partition A | B,C with writes on both sides heals to one identical history', async () => {
    const before = (await history(a)).length;
    a.gw.deny([b.gw.peerId, c.gw.peerId]);
    b.gw.deny([a.gw.peerId]);
    c.gw.deny([a.gw.peerId]);
    await until('partition', async () => (await peersOf(a)) === 0 && (await peersOf(b)) === 1);
    await postMany(a, 30, 'left-');
    await postMany(b, 15, 'right-b-');
    await postMany(c, 15, 'right-c-');
    // Inside the B,C side gossip still flows; A sees only its own writes.
    expect((await history(a)).length).toBe(before + 30);
    await until('B and C agree', async () => {
      const [hb, hc] = await Promise.all([history(b), history(c)]);
      return hb.length === before + 30 && hc.length === before + 30;
    });
    for (const m of [a, b, c]) m.gw.deny([]);
    await until('healed', async () =>
      (await Promise.all([a, b, c].map(peersOf))).every((n) => n === 2),
    );
    await converged(before + 60);
    const [ha, hb, hc] = await Promise.all([a, b, c].map(history));
    expect(ids(hb!)).toEqual(ids(ha!));
    expect(ids(hc!)).toEqual(ids(ha!));
  }, 240_000);

  it('presence set on A shows on B’s HTTP API and in C’s event stream', async () => {
    const alice = (
      await a.gw.ok<{ user: string }>('PUT', '/api/v1/presence', { status: 'online' }, a.token)
    ).user;
    const sse = await fetch(`${c.gw.httpUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${c.token}` },
      signal: AbortSignal.timeout(30_000),
    });
    const reader = sse.body!.getReader();
    await a.gw.ok('PUT', '/api/v1/presence', { status: 'away', text: 'at lunch' }, a.token);
    let streamed = '';
    while (!/"status":"away"/.test(streamed)) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(streamed).toContain('event: presence');
    expect(streamed).toContain(alice);
    expect(streamed).toContain('at lunch');
    await until('presence on B', async () => {
      const { presence } = await b.gw.ok<{
        presence: { user: string; status: string; text?: string }[];
      }>('GET', '/api/v1/presence', undefined, b.token);
      return presence.some((p) => p.user === alice && p.status === 'away' && p.text === 'at lunch');
    });
  });

  it('refuses a forged entry, a replayed entry and a post by a non-member sent on the wire', async () => {
    // A is cut off from B and C, so the only way an entry reaches A is the injector.
    a.gw.deny([b.gw.peerId, c.gw.peerId]);
    b.gw.deny([a.gw.peerId]);
    c.gw.deny([a.gw.peerId]);
    await until('partition', async () => (await peersOf(a)) === 0);
    const relayed = await b.gw.post(b.token, channel, 'relayed by the injector');
    const before = await history(a);
    const injector = await WireInjector.start();
    try {
      const topic = channelTopic(channel);
      await injector.join(a.gw.address, topic);
      await injector.host.dial(multiaddr(b.gw.address));
      const entries = await injector.fetch(b.gw.peerId, channel);
      const posts = entries.filter((e) => e.envelope.entry.tx.intent === 'sendMessage');
      const fresh = posts.find((e) =>
        e.envelope.entry.tx.creates.some((r) => resourceIdOf(r) === relayed.id),
      )!;
      const older = posts.find(
        (e) => e !== fresh && e.envelope.entry.author !== fresh.envelope.entry.author,
      )!;
      const newestOf = (author: string) =>
        entries
          .filter((e) => e.envelope.entry.author === author && e !== fresh)
          .sort((x, y) => y.envelope.entry.seq - x.envelope.entry.seq)[0]!;
      const victim = newestOf(older.envelope.entry.author);
      const heads = [victim.id] as EntryId[];

      await injector.publish(topic, forgeNext(victim.envelope.entry, victim.id, heads, 'forged'));
      await injector.publish(topic, older.envelope); // a replay of an entry A stores
      await injector.publish(topic, strangerPost(channel, heads, 'intruder'));
      await injector.publish(topic, fresh.envelope); // valid and new to A: must be accepted
      await until('A accepts the valid injected entry', async () =>
        (await history(a)).some((m) => m.id === relayed.id),
      );
      const after = await history(a);
      expect(after).toHaveLength(before.length + 1);
      expect(after.map((m) => m.text)).not.toContain('forged');
      expect(after.map((m) => m.text)).not.toContain('intruder');
      expect(new Set(ids(after)).size).toBe(after.length);
    } finally {
      await injector.stop();
      for (const m of [a, b, c]) m.gw.deny([]);
    }
    await until('healed', async () =>
      (await Promise.all([a, b, c].map(peersOf))).every((n) => n === 2),
    );
    const h = await converged(before.length + 1);
    expect(h.map((m) => m.text)).not.toContain('forged');
    expect(h.map((m) => m.text)).not.toContain('intruder');
  }, 120_000);
});
