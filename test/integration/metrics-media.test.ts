/**
 * `/metrics` shows the bridge runtime's media failure counts (files sent as a link or a note
 * instead of a file) as `multichat_bridge_media_failures_total{network,direction,reason}`, and
 * nothing of the family's samples without a bridge runtime. The end-to-end count from a real
 * failure is in media-e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { expectFamilyWithoutSamples, useMetricsApi } from '../support/metrics-api.js';

const scrape = useMetricsApi();
const { metrics } = scrape;

describe('/metrics media failures', () => {
  it('has the family but no sample while no bridge runtime runs', async () => {
    expectFamilyWithoutSamples(await metrics(), 'multichat_bridge_media_failures_total');
  });

  it('renders every count of the runtime with its network, direction and reason', async () => {
    let counts = [
      { network: 'discord', direction: 'inbound', reason: 'too_large', count: 2 },
      { network: 'irc', direction: 'outbound', reason: 'unavailable', count: 1 },
    ];
    scrape.api.status.bridges = { health: () => ({}), mediaFailures: () => counts };
    try {
      const first = await metrics();
      expect(first).toMatch(
        /^multichat_bridge_media_failures_total\{network="discord",direction="inbound",reason="too_large"\} 2$/m,
      );
      expect(first).toMatch(
        /^multichat_bridge_media_failures_total\{network="irc",direction="outbound",reason="unavailable"\} 1$/m,
      );
      // Read on every scrape, not once.
      counts = [{ network: 'discord', direction: 'inbound', reason: 'too_large', count: 3 }];
      const second = await metrics();
      expect(second).toMatch(/reason="too_large"\} 3$/m);
      expect(second).not.toMatch(/reason="unavailable"/);
    } finally {
      delete scrape.api.status.bridges;
    }
  });
});
