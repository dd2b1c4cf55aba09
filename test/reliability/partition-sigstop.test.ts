/**
 * Issue 23, partitions: three gateway processes in a P2P mesh take writes while one of them is
 * frozen with SIGSTOP (its sockets stay open but nothing answers: the hardest partition to
 * notice), then thawed with SIGCONT. Afterwards all three show the identical ordered history,
 * every acknowledged write exactly once. (A 2|1 split by deny list, healed, is covered by
 * test/integration/p2p-cluster.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { KillableGateway } from './support/killable-gateway.js';
import { historyOf, numbered, postAll, tally, type MessageJson } from './support/load.js';

/** Seconds the node stays frozen: bounded in CI, 60 for `npm run soak`. */
const FROZEN_SECONDS = Number(process.env['RELIABILITY_PARTITION_SECONDS'] ?? 10);

interface Member {
  readonly gw: KillableGateway;
  token: string;
}
const members: Member[] = [];
let channel = '';

const history = (m: Member): Promise<MessageJson[]> => historyOf(m.gw, m.token, channel);

beforeAll(async () => {
  const a = await KillableGateway.start({ name: 'part-a' });
  members.push({ gw: a, token: '' });
  const b = await KillableGateway.start({ name: 'part-b', bootstrap: [a.address] });
  members.push({ gw: b, token: '' });
  const c = await KillableGateway.start({ name: 'part-c', bootstrap: [a.address, b.address] });
  members.push({ gw: c, token: '' });
  for (const [i, m] of members.entries())
    m.token = (
      await m.gw.ok<{ token: string }>('POST', '/api/v1/users', { username: `u${i}` })
    ).token;
  await eventually(
    async () => {
      const peers = await Promise.all(
        members.map((m) => m.gw.ok<{ peers: number }>('GET', '/api/v1/status')),
      );
      return peers.every((s) => s.peers === 2);
    },
    { what: 'full mesh', timeoutMs: 60_000, intervalMs: 200 },
  );
  channel = (
    await a.ok<{ id: string }>('POST', '/api/v1/channels', { name: 'part' }, members[0]!.token)
  ).id;
  for (const m of members.slice(1))
    await m.gw.ok('POST', `/api/v1/channels/${channel}/join`, undefined, m.token);
  await eventually(
    async () => (await Promise.all(members.map(history))).every((h) => h.length === 0),
    {
      what: 'everyone in the channel',
      timeoutMs: 30_000,
    },
  );
}, 180_000);
afterAll(async () => {
  for (const m of members) await m.gw.destroy();
}, 60_000);

describe('a node frozen with SIGSTOP while the others take writes', () => {
  it('ends with the same history on all three, every acknowledged write once', async () => {
    const [a, b, c] = members as [Member, Member, Member];
    const acked: string[] = [];
    const write = async (m: Member, prefix: string, n: number) =>
      acked.push(
        ...(await postAll(m.gw, m.token, channel, numbered(prefix, n), undefined, 4)).acked,
      );

    await Promise.all([write(a, 'p a0-', 50), write(b, 'p b0-', 50), write(c, 'p c0-', 50)]);
    c.gw.signal('SIGSTOP');
    const until = Date.now() + FROZEN_SECONDS * 1000;
    for (let round = 0; Date.now() < until; round += 1)
      await Promise.all([write(a, `p a1-${round}-`, 20), write(b, `p b1-${round}-`, 20)]);
    c.gw.signal('SIGCONT');
    const thawed = performance.now();
    await Promise.all([write(a, 'p a2-', 30), write(b, 'p b2-', 30), write(c, 'p c2-', 30)]);

    let histories: MessageJson[][] = [];
    await eventually(
      async () => {
        histories = await Promise.all(members.map(history));
        return histories.every((h) => h.length === acked.length);
      },
      { what: `${acked.length} messages on every node`, timeoutMs: 120_000, intervalMs: 500 },
    ).catch(() => undefined);
    const recovered = (performance.now() - thawed) / 1000;
    const ids = histories.map((h) => h.map((m) => m.id));
    const figures = members.map((m, i) => {
      const t = tally(
        acked,
        histories[i]!.map((x) => x.text ?? ''),
        'p ',
      );
      return { node: m.gw.options.name, lost: t.lost.length, duplicated: t.duplicated.length };
    });
    console.log(
      JSON.stringify({
        scenario: 'SIGSTOP partition',
        frozenSeconds: FROZEN_SECONDS,
        acknowledged: acked.length,
        perNode: figures,
        identicalOrder: ids.every((x) => JSON.stringify(x) === JSON.stringify(ids[0])),
        convergedSecondsAfterSigcont: Number(recovered.toFixed(2)),
      }),
    );
    for (const f of figures) expect(f).toMatchObject({ lost: 0, duplicated: 0 });
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
  }, 300_000);
});
