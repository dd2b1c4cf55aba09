import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/gateway/http/context.js';
import { GatewayMetrics, HttpCounters } from '../../../src/gateway/http/metrics.js';
import { SseHub } from '../../../src/gateway/http/sse-hub.js';
import type { StatusProviders, UndecryptableEvents } from '../../../src/gateway/status.js';

const node = {
  metrics: () => ({ transactions: {}, rejections: {}, logSizes: {}, entries: 0, pending: 0 }),
};

function metricsWith(rows: UndecryptableEvents[] | undefined): GatewayMetrics {
  const status: StatusProviders = {
    bridges: {
      health: () => ({ matrix: { state: 'connected' }, irc: { state: 'connected' } }),
      ...(rows ? { undecryptable: () => rows } : {}),
    },
  };
  const deps = { node, adminToken: 't', logger: console, status } as unknown as AppDeps;
  return new GatewayMetrics(deps, new HttpCounters(), new SseHub());
}

/** The sample lines of one metric family, without HELP/TYPE lines. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line === name);
}

describe('multichat_matrix_undecryptable_* metrics', () => {
  it('shows each network’s seen, decrypted-later and given-up totals and the waiting gauge', async () => {
    const rows = [{ network: 'matrix', seen: 7, decryptedLater: 4, givenUp: 1, waiting: 2 }];
    const text = await metricsWith(rows).render();
    expect(samples(text, 'multichat_matrix_undecryptable_total').sort()).toEqual([
      'multichat_matrix_undecryptable_total{network="matrix",outcome="decrypted_later"} 4',
      'multichat_matrix_undecryptable_total{network="matrix",outcome="given_up"} 1',
      'multichat_matrix_undecryptable_total{network="matrix",outcome="seen"} 7',
    ]);
    expect(samples(text, 'multichat_matrix_undecryptable_waiting')).toEqual([
      'multichat_matrix_undecryptable_waiting{network="matrix"} 2',
    ]);
  });

  it('follows the counts between scrapes (the adapter keeps counting, the metric only shows)', async () => {
    const row = { network: 'matrix', seen: 1, decryptedLater: 0, givenUp: 0, waiting: 1 };
    const rows = [row];
    const metrics = metricsWith(rows);
    expect(samples(await metrics.render(), 'multichat_matrix_undecryptable_waiting')).toEqual([
      'multichat_matrix_undecryptable_waiting{network="matrix"} 1',
    ]);
    rows[0] = { ...row, decryptedLater: 1, waiting: 0 };
    const text = await metrics.render();
    expect(samples(text, 'multichat_matrix_undecryptable_waiting')).toEqual([
      'multichat_matrix_undecryptable_waiting{network="matrix"} 0',
    ]);
    expect(samples(text, 'multichat_matrix_undecryptable_total')).toContain(
      'multichat_matrix_undecryptable_total{network="matrix",outcome="decrypted_later"} 1',
    );
  });

  it('shows the re-share requests for lost room keys, sent and not possible', async () => {
    const rows = [
      {
        network: 'matrix',
        seen: 3,
        decryptedLater: 0,
        givenUp: 0,
        waiting: 3,
        reshareAsked: 2,
        reshareNotPossible: 1,
      },
    ];
    const text = await metricsWith(rows).render();
    expect(samples(text, 'multichat_matrix_key_reshare_requests_total').sort()).toEqual([
      'multichat_matrix_key_reshare_requests_total{network="matrix",outcome="not_possible"} 1',
      'multichat_matrix_key_reshare_requests_total{network="matrix",outcome="sent"} 2',
    ]);
  });

  it('shows no samples when no network decrypts', async () => {
    const text = await metricsWith(undefined).render();
    expect(samples(text, 'multichat_matrix_undecryptable_total')).toEqual([]);
    expect(samples(text, 'multichat_matrix_undecryptable_waiting')).toEqual([]);
    expect(text).toContain('# TYPE multichat_matrix_undecryptable_total counter');
  });
});
