/**
 * Deliveries an operator can see and act on: `GET /api/v1/outbox` shows a message queued for a
 * network that is down (pending) and one the network refused (dead, with its error);
 * `POST /api/v1/outbox/:id/retry` delivers the dead one; `DELETE /api/v1/outbox/:id` discards
 * one so it is never sent. `/metrics` shows them as `multichat_outbox{network,state}` and the
 * delivery as `multichat_delivery_latency_seconds`. Real core node, real SQLite mapping store,
 * the router's test adapter, the real HTTP app.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/gateway/http/index.js';
import { outboxRoutes } from '../../src/gateway/http/routes/outbox.js';
import type { StatusProviders } from '../../src/gateway/status.js';
import { startHarness, type Harness } from '../unit/router/harness.js';

const ADMIN = 'admin-token-for-outbox-tests-0123456789';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function world(): Promise<{
  h: Harness;
  call: (method: string, path: string, token?: string) => Promise<{ status: number; json: Json }>;
  metrics: () => Promise<string>;
}> {
  const h = await startHarness([{ name: 'a' }]);
  const status: StatusProviders = {
    bridges: {
      // The gateway's vocabulary says `starting` where the runtime says `connecting`.
      health: () =>
        Object.fromEntries(
          Object.entries(h.runtime.health()).map(([name, { state }]) => [
            name,
            { state: state === 'connecting' ? 'starting' : state },
          ]),
        ),
      outbox: () => h.store.outbox.summary(),
      onDelivered: (listener) => h.runtime.onDelivered(listener),
    },
  };
  const { app } = createApp(
    { node: h.node, adminToken: ADMIN, logger: quiet, status },
    { routes: [outboxRoutes({ outbox: h.store.outbox, kick: () => h.runtime.kick() })] },
  );
  const call = async (method: string, path: string, token = ADMIN) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : undefined };
  };
  const metrics = async () => {
    const res = await app.request('/metrics', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  return { h, call, metrics };
}

describe('the outbox API', () => {
  it('shows a delivery to a down network as pending, a refused one as dead; retry delivers it', async () => {
    const { h, call, metrics } = await world();
    const a = h.adapter('a');
    a.setHealth({ state: 'reconnecting', detail: 'socket closed' });
    await h.say('while down');
    const waiting = await call('GET', '/api/v1/outbox');
    expect(waiting.status).toBe(200);
    expect(waiting.json.deliveries).toEqual([
      expect.objectContaining({ network: 'a', kind: 'send', state: 'pending', attempts: 0 }),
    ]);
    expect(waiting.json.links).toEqual([
      expect.objectContaining({ network: 'a', pending: 1, sending: 0, dead: 0, lastError: null }),
    ]);
    expect(await metrics()).toMatch(/^multichat_outbox\{network="a",state="pending"\} 1$/m);

    // An hour later the network is back and refuses the message for good.
    h.clock.advance(3_600_000);
    a.failNext(1, true);
    a.setHealth({ state: 'connected' });
    await h.settle();
    h.expectDrops((d) => d.reason === 'failed');
    const dead = await call('GET', '/api/v1/outbox?state=dead');
    expect(dead.json.deliveries).toHaveLength(1);
    const [letter] = dead.json.deliveries as Json[];
    expect(letter).toMatchObject({ state: 'dead', attempts: 1 });
    expect(letter.lastError).toMatch(/^refused by a: test failure/);
    expect(dead.json.links[0]).toMatchObject({ dead: 1, pending: 0 });
    expect(dead.json.links[0].lastError).toMatch(/^refused by a/);
    const text = await metrics();
    expect(text).toMatch(/^multichat_outbox\{network="a",state="dead"\} 1$/m);
    expect(text).toMatch(/^multichat_outbox\{network="a",state="pending"\} 0$/m);
    expect(h.networks.get('a')?.posts).toEqual([]);

    const retried = await call('POST', `/api/v1/outbox/${letter.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ id: letter.id, state: 'pending', attempts: 0 });
    await h.settle();
    expect(h.networks.get('a')?.posts.map((p) => p.text)).toEqual(['while down']);
    expect((await call('GET', '/api/v1/outbox')).json).toEqual({ links: [], deliveries: [] });
    // Sent: neither retried nor discarded again.
    expect((await call('POST', `/api/v1/outbox/${letter.id}/retry`)).status).toBe(409);
    expect((await call('DELETE', `/api/v1/outbox/${letter.id}`)).status).toBe(409);

    // The latency runs from enqueue to the network's answer: over the hour it was held.
    const after = await metrics();
    expect(after).toMatch(/^multichat_delivery_latency_seconds_count\{network="a"\} 1$/m);
    const sum = /^multichat_delivery_latency_seconds_sum\{network="a"\} ([\d.e+]+)$/m.exec(after);
    expect(Number(sum?.[1])).toBeGreaterThanOrEqual(3600);
    expect(after).toMatch(
      /^multichat_delivery_latency_seconds_bucket\{le="1800",network="a"\} 0$/m,
    );
    expect(after).toMatch(
      /^multichat_delivery_latency_seconds_bucket\{le="7200",network="a"\} 1$/m,
    );
  });

  it('discards a delivery so it is never sent; pages; admin only', async () => {
    const { h, call } = await world();
    const a = h.adapter('a');
    a.setHealth({ state: 'reconnecting', detail: 'socket closed' });
    await h.say('first');
    await h.say('second');
    const one = await call('GET', '/api/v1/outbox?limit=1');
    expect(one.json.deliveries).toHaveLength(1);
    expect(one.json.next).toEqual(expect.any(String));
    const two = await call(
      'GET',
      `/api/v1/outbox?limit=1&after=${encodeURIComponent(one.json.next)}`,
    );
    expect(two.json.deliveries).toHaveLength(1);
    expect(two.json.next).toBeUndefined();
    expect(two.json.deliveries[0].id).not.toBe(one.json.deliveries[0].id);

    const gone = await call('DELETE', `/api/v1/outbox/${one.json.deliveries[0].id}`);
    expect(gone.status).toBe(204);
    expect((await call('DELETE', `/api/v1/outbox/${one.json.deliveries[0].id}`)).status).toBe(404);
    expect((await call('POST', '/api/v1/outbox/nope/retry')).status).toBe(404);
    expect((await call('GET', '/api/v1/outbox?after=bogus')).status).toBe(400);
    expect((await call('GET', '/api/v1/outbox?state=sent')).status).toBe(400);

    a.setHealth({ state: 'connected' });
    await h.settle();
    expect(h.networks.get('a')?.posts.map((p) => p.text)).toEqual(['second']);

    const user = await h.node.createLocalUser('mallory');
    expect((await call('GET', '/api/v1/outbox', user.token)).status).toBe(403);
    expect((await call('GET', '/api/v1/outbox', 'wrong-token')).status).toBe(401);
  });
});
