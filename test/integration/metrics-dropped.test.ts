/**
 * `/metrics` shows the bridge runtime's counts of events not carried as
 * `multichat_bridge_dropped_total{network,kind,reason}`, read on every scrape, and no sample of
 * the family without a bridge runtime. The counts themselves are tested in the router
 * (test/unit/router/drops.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApi, type TestApi } from './http-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

const metrics = async (): Promise<string> => {
  const res = await api.call('GET', '/metrics', { token: ADMIN });
  expect(res.status).toBe(200);
  return res.res.text();
};

describe('/metrics dropped events', () => {
  it('has the family but no sample while no bridge runtime runs', async () => {
    const text = await metrics();
    expect(text).toMatch(/^# TYPE multichat_bridge_dropped_total counter$/m);
    expect(text).not.toMatch(/^multichat_bridge_dropped_total\{/m);
  });

  it('renders every count of the runtime with its network, kind and reason', async () => {
    let counts = [
      { network: 'slack', kind: 'join', reason: 'unsupported', count: 4 },
      { network: 'irc', kind: 'message', reason: 'unlinked', count: 1 },
    ];
    api.status.bridges = { health: () => ({}), dropped: () => counts };
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
      delete api.status.bridges;
    }
  });
});
