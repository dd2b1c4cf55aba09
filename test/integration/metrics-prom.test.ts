/**
 * /metrics on prom-client: every family the hand-written exposition had keeps its name and
 * type, the new outbox gauge and latency histogram are declared, prom-client's default process
 * and GC metrics are there, and no label can name a person (no `author`, `user` or `channel`).
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

describe('/metrics families', () => {
  it('keeps every name and type, adds the outbox and latency families and the defaults', async () => {
    await api.call('GET', '/healthz');
    const res = await api.call('GET', '/metrics', { token: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.res.text();
    const types = Object.fromEntries(
      [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(types).toMatchObject({
      multichat_transactions_total: 'counter',
      multichat_rejections_total: 'counter',
      multichat_author_logs: 'gauge',
      multichat_author_log_entries_max: 'gauge',
      multichat_entries: 'gauge',
      multichat_pending_entries: 'gauge',
      multichat_peers: 'gauge',
      multichat_bridge_up: 'gauge',
      multichat_bridge_media_failures_total: 'counter',
      multichat_bridge_dropped_total: 'counter',
      multichat_sse_clients: 'gauge',
      multichat_http_responses_total: 'counter',
      multichat_outbox: 'gauge',
      multichat_delivery_latency_seconds: 'histogram',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      process_heap_used_bytes: 'gauge',
      process_start_time_seconds: 'gauge',
      nodejs_gc_duration_seconds: 'histogram',
      nodejs_eventloop_lag_seconds: 'gauge',
    });
    // Each family once: the app registry and the shared process registry do not overlap.
    expect(text.match(/^# TYPE multichat_peers /gm)).toHaveLength(1);
    expect(text.match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1);
    expect(text).toMatch(/^multichat_http_responses_total\{method="GET",status="2xx"\} [1-9]\d*$/m);
    expect(text).not.toMatch(/\b(author|user|channel)="/);
    // The removed per-author family stays removed.
    expect(text).not.toMatch(/^multichat_log_entries/m);
  });
});
