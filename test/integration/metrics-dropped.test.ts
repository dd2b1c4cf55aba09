/**
 * `/metrics` shows the bridge runtime's counts of events not carried as
 * `multichat_bridge_dropped_total{network,kind,reason}`, read on every scrape, and no sample of
 * the family without a bridge runtime. The counts themselves are tested in the router
 * (test/unit/router/drops.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { expectFamilyWithoutSamples, useMetricsApi } from '../support/metrics-api.js';

const scrape = useMetricsApi();
const { metrics } = scrape;

describe('/metrics dropped events', () => {
  it('has the family but no sample while no bridge runtime runs', async () => {
    expectFamilyWithoutSamples(await metrics(), 'multichat_bridge_dropped_total');
  });

  it('renders every count of the runtime with its network, kind and reason', async () => {
    let counts = [
      { network: 'slack', kind: 'join', reason: 'unsupported', count: 4 },
      { network: 'irc', kind: 'message', reason: 'unlinked', count: 1 },
    ];
    scrape.api.status.bridges = { health: () => ({}), dropped: () => counts };
    try {
      const first = await metrics();
      expect(first).toMatch(
        /^multichat_bridge_dropped_total\{network="slack",kind="join",reason="unsupported"\} 4$/m,
      );
      expect(first).toMatch(
        /^multichat_bridge_dropped_total\{network="irc",kind="message",reason="unlinked"\} 1$/m,
      );
      counts = [{ network: 'slack', kind: 'join', reason: 'unsupported', count: 5 }];
      const second = await metrics();
      expect(second).toMatch(/kind="join",reason="unsupported"\} 5$/m);
      expect(second).not.toMatch(/reason="unlinked"/);
    } finally {
      delete scrape.api.status.bridges;
    }
  });
});
