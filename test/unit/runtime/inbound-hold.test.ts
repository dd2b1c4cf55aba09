/**
 * The bound on inbound events held during a mapping store outage (issue 23;
 * runtime/inbound-hold.ts): past `maxHeldInbound` held while the store is down, new events are
 * shed and counted (reason overload); once the held ones drained to half, a network
 * that keeps history reads its shed messages back from its cursor, in order and once, and one
 * that does not (IRC-like) has them counted, never silently gone. The default bound leaves a
 * burst far above normal traffic alone. The live form on PostgreSQL is test/reliability/pg-hold.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AdapterBuilder, BackfillPage, NetworkName } from '../../../src/bridges/types.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { ExternalMessageId } from '../../../src/mapping/types.js';
import { createTestAdapter, TestNetwork } from '../../support/test-adapter.js';
import { startHarness, type Harness } from '../router/harness.js';
import { faultyStore } from './store-faults.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);
const texts = (h: Harness, limit = 100) =>
  h.node.listMessages(h.general, { limit }).map((m) => m.text);
const posted = (h: Harness, name: string) =>
  (h.networks.get(name)?.at(at(name)) ?? []).map((p) => p.text);
const wait = { timeout: 10_000, interval: 20 };

/** The test adapter as `hist`, whose backfill reads its network's posts after the cursor. */
function withHistory(net: TestNetwork): AdapterBuilder {
  const build = createTestAdapter({
    name: 'hist',
    network: net,
    capabilities: { membership: true },
  });
  return Object.assign(
    (components: Parameters<typeof build>[0]) =>
      Object.assign(build(components), {
        backfillLimits: { maxAgeHours: 24, maxMessages: 100 },
        async backfill(_target: unknown, cursor: string | undefined): Promise<BackfillPage> {
          const all = net.at(at('hist'));
          const page = all.slice(all.findIndex((p) => p.id === cursor) + 1);
          return {
            events: page.map((p) => ({
              kind: 'message' as const,
              target: main,
              externalId: p.id,
              sender: { externalId: p.sender as never, displayName: p.sender },
              text: p.text,
            })),
          };
        },
      }),
    { network: 'hist' as NetworkName },
  ) as AdapterBuilder;
}

describe('inbound hold during a mapping store outage', () => {
  it('sheds past the bound, counts it, and reads back what a network with history keeps', async () => {
    const faults = faultyStore();
    const histNet = new TestNetwork('hist-');
    const h = await startHarness(
      [{ name: 'irc' }, { name: 'hist', build: withHistory(histNet) }, { name: 'out' }],
      {
        wrapStore: faults.wrap,
        networks: new Map([['hist', histNet]]),
        runtimeOptions: { maxHeldInbound: 4 },
      },
    );
    h.expectDrops((c) => c.reason === 'overload');
    const irc = h.adapter('irc');
    const hist = h.adapter('hist');
    await irc.receive(main, 'ann', 'irc warm-up');
    await hist.receive(main, 'bob', 'hist warm-up');

    faults.down('lookupInbound');
    const held = [1, 2, 3, 4].map((i) => irc.receive(main, 'ann', `irc held ${i}`));
    await vi.waitFor(() => expect(faults.failures('lookupInbound')).toBeGreaterThan(0), wait);
    // Four held while the store is down: everything after them is shed, from both networks.
    for (const i of [1, 2]) await irc.receive(main, 'ann', `irc shed ${i}`);
    for (const i of [1, 2, 3]) await hist.receive(main, 'bob', `hist shed ${i}`);
    expect(h.runtime.dropped()).toEqual([
      { network: 'irc', kind: 'message', reason: 'overload', count: 2 },
      { network: 'hist', kind: 'message', reason: 'overload', count: 3 },
    ]);
    expect(texts(h)).toEqual(['irc warm-up', 'hist warm-up']);

    faults.restore('lookupInbound');
    await Promise.all(held);
    const ircLines = ['irc warm-up', ...[1, 2, 3, 4].map((i) => `irc held ${i}`)];
    const histLines = ['hist warm-up', ...[1, 2, 3].map((i) => `hist shed ${i}`)];
    // The read-back starts once the hold is down to half: the two networks interleave, each in
    // its own order.
    const of = (list: readonly (string | null | undefined)[], prefix: string) =>
      list.filter((t) => t?.startsWith(prefix));
    await vi.waitFor(() => expect(texts(h)).toHaveLength(9), wait);
    await h.settle();
    expect(of(texts(h), 'irc')).toEqual(ircLines);
    expect(of(texts(h), 'hist')).toEqual(histLines);
    // Each once on the third network too; the IRC lines shed are not there, only counted.
    await vi.waitFor(() => expect(posted(h, 'out')).toHaveLength(9), wait);
    expect(of(posted(h, 'out'), 'irc')).toEqual(ircLines);
    expect(of(posted(h, 'out'), 'hist')).toEqual(histLines);
    expect(posted(h, 'out')).toHaveLength(9);
    // Live again: the next line of each network goes straight through.
    await irc.receive(main, 'ann', 'irc after');
    await hist.receive(main, 'bob', 'hist after');
    await h.settle();
    expect(texts(h).slice(-2)).toEqual(['irc after', 'hist after']);
    await vi.waitFor(() => expect(posted(h, 'out')).toHaveLength(11), wait);
    expect(new Set(posted(h, 'out')).size).toBe(11);
    expect(h.runtime.dropped().reduce((n, c) => n + c.count, 0)).toBe(5);
  });

  it('a burst well past normal traffic stays under the default bound: all carried, none shed', async () => {
    const h = await startHarness([{ name: 'irc' }, { name: 'out' }]);
    const irc = h.adapter('irc');
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const ids: ExternalMessageId[] = await Promise.all(
      lines.map((text) => irc.receive(main, 'ann', text)),
    );
    await h.settle();
    expect(new Set(ids).size).toBe(300);
    expect(texts(h, 400)).toEqual(lines);
    expect(posted(h, 'out')).toEqual(lines);
    expect(h.runtime.dropped()).toEqual([]);
  });
});
