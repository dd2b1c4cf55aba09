import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireAdmin, type AppEnv } from '../../src/gateway/http/index.js';
import {
  ADMIN,
  readEvents,
  startApi,
  type Json,
  type SseEvent,
  type TestApi,
} from './http-helpers.js';

let api: TestApi;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let carol: { id: string; token: string };
let general: Json;

async function createUser(username: string): Promise<{ id: string; token: string }> {
  const res = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username } });
  expect(res.status).toBe(201);
  return res.json;
}

beforeAll(async () => {
  api = await startApi({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
  alice = await createUser('alice');
  bob = await createUser('bob');
  carol = await createUser('carol');
  const res = await api.call('POST', '/api/v1/channels', {
    token: alice.token,
    body: { name: 'general', topic: 'talk' },
  });
  expect(res.status).toBe(201);
  general = res.json;
  expect(
    (await api.call('POST', `/api/v1/channels/${general.id}/join`, { token: bob.token })).status,
  ).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

const messagesPath = () => `/api/v1/channels/${general.id}/messages`;

describe('probes, metrics, openapi', () => {
  it('GET /healthz and /readyz answer without a token', async () => {
    expect((await api.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await api.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ ready: true, bridges: {} });
  });

  it('/readyz is 503 while P2P is still starting, /healthz 200 meanwhile', async () => {
    api.status.p2pStarting = true;
    try {
      const res = await api.call('GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.json).toEqual({ ready: false, bridges: {}, p2p: 'starting' });
      expect((await api.call('GET', '/healthz')).status).toBe(200);
    } finally {
      delete api.status.p2pStarting;
    }
  });

  it('/readyz is 503 while a configured bridge is not connected', async () => {
    api.status.bridges = {
      health: () => ({ irc: { state: 'reconnecting' }, discord: { state: 'connected' } }),
    };
    try {
      const res = await api.call('GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.json.ready).toBe(false);
      expect(res.json.bridges.irc).toEqual({ state: 'reconnecting' });
    } finally {
      delete api.status.bridges;
    }
  });

  it('GET /metrics counts transactions by intent in Prometheus text', async () => {
    await api.call('POST', messagesPath(), { token: alice.token, body: { text: 'for metrics' } });
    const res = await api.call('GET', '/metrics', { token: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.res.text();
    const sent = /^multichat_transactions_total\{intent="sendMessage"\} (\d+)$/m.exec(text);
    expect(Number(sent?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^# TYPE multichat_rejections_total counter$/m);
    // Totals, never a label per author (it would list every user's address).
    expect(text).not.toMatch(/author=/);
    expect(text).toMatch(/^multichat_author_logs [1-9]\d*$/m);
    expect(text).toMatch(/^multichat_author_log_entries_max [1-9]\d*$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it('GET /api/v1/openapi.json describes every route', async () => {
    const res = await api.call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const paths = res.json.paths;
    for (const [path, method] of [
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
      ['/api/v1/status', 'get'],
      ['/api/v1/users', 'post'],
      ['/api/v1/users/{id}', 'get'],
      ['/api/v1/users/me', 'patch'],
      ['/api/v1/channels', 'post'],
      ['/api/v1/channels', 'get'],
      ['/api/v1/channels/{id}/join', 'post'],
      ['/api/v1/channels/{id}/leave', 'post'],
      ['/api/v1/channels/{id}/members/{userId}', 'put'],
      ['/api/v1/channels/{id}/messages', 'post'],
      ['/api/v1/channels/{id}/messages', 'get'],
      ['/api/v1/channels/{id}/messages/{mid}', 'patch'],
      ['/api/v1/channels/{id}/messages/{mid}', 'delete'],
      ['/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}', 'put'],
      ['/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}', 'delete'],
      ['/api/v1/presence', 'put'],
      ['/api/v1/events', 'get'],
      ['/api/v1/media', 'post'],
      ['/api/v1/media/{hash}', 'get'],
    ]) {
      expect(paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const body = paths['/api/v1/users'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['username']);
  });

  it('GET / serves the dashboard page', async () => {
    const res = await api.call('GET', '/');
    expect(res.status).toBe(200);
    expect(await res.res.text()).toMatch(/<title>Multichat/);
  });
});

describe('auth and status', () => {
  it('401 without a token and with an unknown one', async () => {
    const none = await api.call('GET', '/api/v1/channels');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthorized');
    expect((await api.call('GET', '/api/v1/channels', { token: 'nope' })).status).toBe(401);
  });

  it('GET /api/v1/status is for the admin token only', async () => {
    const res = await api.call('GET', '/api/v1/status', { token: ADMIN });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      address: api.node.address,
      peerId: null,
      peers: 0,
      bridges: {},
    });
    expect(res.json.channels).toBeGreaterThanOrEqual(1);
    const refused = await api.call('GET', '/api/v1/status', { token: alice.token });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/rule: admin-only/);
  });

  it('status shows the P2P provider once one is registered', async () => {
    api.status.p2p = { peerId: () => '12D3KooWtest', peers: () => ['a', 'b'] };
    try {
      const res = await api.call('GET', '/api/v1/status', { token: ADMIN });
      expect(res.json).toMatchObject({ peerId: '12D3KooWtest', peers: 2 });
    } finally {
      delete api.status.p2p;
    }
  });

  it('the admin token cannot act as a user', async () => {
    const res = await api.call('POST', messagesPath(), { token: ADMIN, body: { text: 'hi' } });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/admin token cannot act as a user/);
  });
});

describe('users', () => {
  it('POST /api/v1/users returns id, username and a working token', async () => {
    const dave = await createUser('dave');
    expect(Object.keys(dave).sort()).toEqual(['id', 'token', 'username']);
    const me = await api.call('GET', '/api/v1/users/me', { token: dave.token });
    expect(me.json).toMatchObject({ id: dave.id, username: 'dave' });
  });

  it('only the admin creates users; 400 names the field; 409 on a taken name', async () => {
    expect(
      (await api.call('POST', '/api/v1/users', { token: alice.token, body: { username: 'x' } }))
        .status,
    ).toBe(403);
    const missing = await api.call('POST', '/api/v1/users', { token: ADMIN, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/username/);
    const extra = await api.call('POST', '/api/v1/users', {
      token: ADMIN,
      body: { username: 'e', admin: true },
    });
    expect(extra.status).toBe(400);
    expect(extra.json.error.message).toMatch(/admin/);
    const badJson = await api.call('POST', '/api/v1/users', { token: ADMIN, raw: '{"username":' });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error).toEqual({
      code: 'invalid_request',
      message: 'request body is not valid JSON',
    });
    const taken = await api.call('POST', '/api/v1/users', {
      token: ADMIN,
      body: { username: 'alice' },
    });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('conflict');
  });

  it('GET /api/v1/users/:id and 404 for an unknown id', async () => {
    const res = await api.call('GET', `/api/v1/users/${bob.id}`, { token: alice.token });
    expect(res.json).toEqual({ id: bob.id, username: 'bob', avatar: null, identities: [] });
    const unknown = await api.call('GET', '/api/v1/users/nobody', { token: alice.token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
  });

  it('PATCH /api/v1/users/me changes the profile', async () => {
    const erin = await createUser('erin');
    const res = await api.call('PATCH', '/api/v1/users/me', {
      token: erin.token,
      body: { username: 'erin2', avatar: 'https://example.org/a.png' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: erin.id,
      username: 'erin2',
      avatar: 'https://example.org/a.png',
    });
    const empty = await api.call('PATCH', '/api/v1/users/me', { token: erin.token, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/username/);
  });
});

describe('channels', () => {
  it('the creator is admin; the list shows the caller role', async () => {
    expect(general).toMatchObject({
      name: 'general',
      topic: 'talk',
      role: 'admin',
      encrypted: false,
    });
    const list = await api.call('GET', '/api/v1/channels', { token: bob.token });
    const found = list.json.channels.find((c: Json) => c.id === general.id);
    expect(found).toMatchObject({ name: 'general', role: 'member' });
  });

  it('join and leave answer 200 with the new role', async () => {
    const ch = (
      await api.call('POST', '/api/v1/channels', { token: alice.token, body: { name: 'random' } })
    ).json;
    const joined = await api.call('POST', `/api/v1/channels/${ch.id}/join`, { token: carol.token });
    expect(joined.status).toBe(200);
    expect(joined.json.role).toBe('member');
    const left = await api.call('POST', `/api/v1/channels/${ch.id}/leave`, { token: carol.token });
    expect(left.status).toBe(200);
    expect(left.json.role).toBeNull();
    const members = await api.call('GET', `/api/v1/channels/${ch.id}/members`, {
      token: alice.token,
    });
    expect(members.json.members.map((m: Json) => m.user.id)).not.toContain(carol.id);
  });

  it('PUT members/:userId sets a role; a plain member is refused naming the rule', async () => {
    const ch = (
      await api.call('POST', '/api/v1/channels', { token: alice.token, body: { name: 'roles' } })
    ).json;
    await api.call('POST', `/api/v1/channels/${ch.id}/join`, { token: bob.token });
    await api.call('POST', `/api/v1/channels/${ch.id}/join`, { token: carol.token });
    const refused = await api.call('PUT', `/api/v1/channels/${ch.id}/members/${carol.id}`, {
      token: bob.token,
      body: { role: 'moderator' },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/\(rule: [^)]+\)/);
    const ok = await api.call('PUT', `/api/v1/channels/${ch.id}/members/${bob.id}`, {
      token: alice.token,
      body: { role: 'moderator' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ channel: ch.id, user: bob.id, role: 'moderator' });
    const bad = await api.call('PUT', `/api/v1/channels/${ch.id}/members/${bob.id}`, {
      token: alice.token,
      body: { role: 'owner' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^role/);
  });

  it('404 for an unknown channel and an unknown route', async () => {
    const ch = await api.call('POST', '/api/v1/channels/nope/join', { token: bob.token });
    expect(ch.status).toBe(404);
    expect(ch.json.error.code).toBe('not_found');
    const route = await api.call('GET', '/api/v1/nothing-here', { token: bob.token });
    expect(route.status).toBe(404);
    expect(route.json.error).toEqual({
      code: 'not_found',
      message: 'no route for GET /api/v1/nothing-here',
    });
  });
});

describe('messages', () => {
  it('POST returns the message in the API shape', async () => {
    const res = await api.call('POST', messagesPath(), {
      token: alice.token,
      body: { text: 'hello **world**' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      channel: general.id,
      sender: { id: alice.id, username: 'alice' },
      text: 'hello **world**',
      deleted: false,
      reactions: {},
    });
    expect(new Date(res.json.createdAt).toISOString()).toBe(res.json.createdAt);
    expect(res.json).not.toHaveProperty('entry');
  });

  it('lists in channel order, oldest first, with limit/before/after', async () => {
    const ch = (
      await api.call('POST', '/api/v1/channels', { token: alice.token, body: { name: 'ordered' } })
    ).json;
    const path = `/api/v1/channels/${ch.id}/messages`;
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      ids.push((await api.call('POST', path, { token: alice.token, body: { text } })).json.id);
    }
    const all = await api.call('GET', path, { token: alice.token });
    expect(all.json.messages.map((m: Json) => m.text)).toEqual(['one', 'two', 'three']);
    const last2 = await api.call('GET', `${path}?limit=2`, { token: alice.token });
    expect(last2.json.messages.map((m: Json) => m.text)).toEqual(['two', 'three']);
    const after = await api.call('GET', `${path}?after=${ids[0]}`, { token: alice.token });
    expect(after.json.messages.map((m: Json) => m.text)).toEqual(['two', 'three']);
    const before = await api.call('GET', `${path}?before=${ids[2]}`, { token: alice.token });
    expect(before.json.messages.map((m: Json) => m.text)).toEqual(['one', 'two']);
    const badLimit = await api.call('GET', `${path}?limit=0`, { token: alice.token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error.message).toMatch(/^limit/);
  });

  it('non-members may neither read nor post, and are told the rule', async () => {
    const read = await api.call('GET', messagesPath(), { token: carol.token });
    expect(read.status).toBe(403);
    expect(read.json.error.message).toMatch(/rule: channel\.membersOnly/);
    const post = await api.call('POST', messagesPath(), {
      token: carol.token,
      body: { text: 'let me in' },
    });
    expect(post.status).toBe(403);
    expect(post.json.error.message).toMatch(/\(rule: [^)]+\)|rule: /);
  });

  it('edit by the sender; others are refused', async () => {
    const m = (
      await api.call('POST', messagesPath(), { token: alice.token, body: { text: 'typo' } })
    ).json;
    const edited = await api.call('PATCH', `${messagesPath()}/${m.id}`, {
      token: alice.token,
      body: { text: 'fixed' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ id: m.id, text: 'fixed' });
    expect(edited.json.editedAt).toEqual(expect.any(String));
    const other = await api.call('PATCH', `${messagesPath()}/${m.id}`, {
      token: bob.token,
      body: { text: 'mine' },
    });
    expect(other.status).toBe(403);
  });

  it('replies carry replyTo; an unknown message is 404', async () => {
    const root = (
      await api.call('POST', messagesPath(), { token: alice.token, body: { text: 'q?' } })
    ).json;
    const reply = await api.call('POST', messagesPath(), {
      token: bob.token,
      body: { text: 'a!', replyTo: root.id },
    });
    expect(reply.json.replyTo).toBe(root.id);
    const missing = await api.call('PATCH', `${messagesPath()}/unknownid`, {
      token: alice.token,
      body: { text: 'x' },
    });
    expect(missing.status).toBe(404);
  });

  it('reactions: PUT and DELETE with a percent-encoded emoji', async () => {
    const m = (
      await api.call('POST', messagesPath(), { token: alice.token, body: { text: 'react to me' } })
    ).json;
    const url = `${messagesPath()}/${m.id}/reactions/${encodeURIComponent('👍')}`;
    const put = await api.call('PUT', url, { token: bob.token });
    expect(put.status).toBe(204);
    const list = await api.call('GET', messagesPath(), { token: bob.token });
    expect(list.json.messages.find((x: Json) => x.id === m.id).reactions).toEqual({
      '👍': [bob.id],
    });
    expect((await api.call('DELETE', url, { token: bob.token })).status).toBe(204);
    const after = await api.call('GET', messagesPath(), { token: bob.token });
    expect(after.json.messages.find((x: Json) => x.id === m.id).reactions).toEqual({});
  });

  it('DELETE answers 204 and the message stays listed with text null, deleted true', async () => {
    const m = (await api.call('POST', messagesPath(), { token: bob.token, body: { text: 'oops' } }))
      .json;
    expect(
      (await api.call('DELETE', `${messagesPath()}/${m.id}`, { token: bob.token })).status,
    ).toBe(204);
    const list = await api.call('GET', messagesPath(), { token: alice.token });
    const gone = list.json.messages.find((x: Json) => x.id === m.id);
    expect(gone).toMatchObject({ text: null, deleted: true });
  });

  it('413 for text over the core limit and for a body over the request limit', async () => {
    const big = await api.call('POST', messagesPath(), {
      token: alice.token,
      body: { text: 'x'.repeat(70 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('payload_too_large');
    const huge = await api.call('POST', messagesPath(), {
      token: alice.token,
      body: { text: 'x'.repeat(1024 * 1024 + 10) },
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error.message).toMatch(/request body exceeds 1048576 bytes/);
  });

  it('400 names the field of a bad message body', async () => {
    const res = await api.call('POST', messagesPath(), { token: alice.token, body: { text: 42 } });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^text/);
  });
});

describe('presence', () => {
  it('PUT /api/v1/presence sets it; a bad status names the field', async () => {
    const res = await api.call('PUT', '/api/v1/presence', {
      token: bob.token,
      body: { status: 'away', text: 'lunch' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user: bob.id, status: 'away', text: 'lunch' });
    const bad = await api.call('PUT', '/api/v1/presence', {
      token: bob.token,
      body: { status: 'asleep' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^status/);
  });
});

describe('server-sent events', () => {
  it('delivers messages of member channels and the user’s own notifications only', async () => {
    const bobStream = await api.call('GET', '/api/v1/events', { token: bob.token });
    const carolStream = await api.call('GET', '/api/v1/events', { token: carol.token });
    expect(bobStream.status).toBe(200);
    expect(bobStream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const bobEvents = readEvents(bobStream.res, (evs) =>
      evs.some((e) => e.event === 'notification'),
    );
    const carolEvents = readEvents(carolStream.res, (evs) =>
      evs.some((e) => e.event === 'message'),
    );

    // Carol is not in general: she must not see this one.
    await api.call('POST', messagesPath(), {
      token: alice.token,
      body: { text: 'hey @bob, look' },
    });
    const side = (
      await api.call('POST', '/api/v1/channels', { token: carol.token, body: { name: 'carols' } })
    ).json;
    await api.call('POST', `/api/v1/channels/${side.id}/messages`, {
      token: carol.token,
      body: { text: 'carol only' },
    });

    const got = await bobEvents;
    const message = got.find((e) => e.event === 'message');
    expect(message?.data).toMatchObject({ text: 'hey @bob, look', sender: { username: 'alice' } });
    const notification = got.find((e) => e.event === 'notification');
    expect(notification?.data).toMatchObject({
      reason: 'mention',
      message: { text: 'hey @bob, look' },
    });
    expect(got.filter((e) => e.event === 'message').map((e) => e.data.text)).not.toContain(
      'carol only',
    );

    const carolGot = await carolEvents;
    const carolMessages = carolGot.filter((e) => e.event === 'message').map((e) => e.data.text);
    expect(carolMessages).toEqual(['carol only']);
    expect(carolGot.some((e) => e.event === 'notification')).toBe(false);
  });

  it('the admin token gets no event stream', async () => {
    expect((await api.call('GET', '/api/v1/events', { token: ADMIN })).status).toBe(403);
  });
});

describe('rate limit', () => {
  it('429 with Retry-After once a token exhausts its bucket', async () => {
    const limited = await startApi({ rateLimit: { perSecond: 0.01, burst: 2 } });
    try {
      const codes: number[] = [];
      let last: Awaited<ReturnType<TestApi['call']>> | undefined;
      for (let i = 0; i < 3; i++) {
        last = await limited.call('GET', '/api/v1/status', { token: ADMIN });
        codes.push(last.status);
      }
      expect(codes).toEqual([200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(last!.json.error.code).toBe('rate_limited');
      // Probes are not rate limited.
      expect((await limited.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('route module slot', () => {
  it('mounts an extra /api/v1 module behind auth and documents it', async () => {
    const extra = await startApi({
      routes: [
        () => {
          const links = new Hono<AppEnv>();
          links.get('/links', (c) => {
            requireAdmin(c);
            return c.json({ links: [] });
          });
          return links;
        },
      ],
      openApiPaths: { '/api/v1/links': { get: { summary: 'links' } } },
    });
    try {
      expect((await extra.call('GET', '/api/v1/links', { token: ADMIN })).json).toEqual({
        links: [],
      });
      expect((await extra.call('GET', '/api/v1/links')).status).toBe(401);
      const user = await extra.call('POST', '/api/v1/users', {
        token: ADMIN,
        body: { username: 'u' },
      });
      const asUser = await extra.call('GET', '/api/v1/links', { token: user.json.token });
      expect(asUser.status).toBe(403);
      const doc = await extra.call('GET', '/api/v1/openapi.json');
      expect(doc.status, JSON.stringify(doc.json)).toBe(200);
      // The module's own item, plus the 429 every /api/v1 operation can answer.
      expect(doc.json.paths['/api/v1/links'].get.summary).toBe('links');
      expect(doc.json.paths['/api/v1/links'].get.responses['429']).toBeDefined();
      expect(doc.json.paths['/api/v1/users']).toBeDefined();
    } finally {
      await extra.close();
    }
  });
});

describe('/metrics access (issue 15)', () => {
  const METRICS = 'metrics-only-token-0123456789abcdef';
  let own: TestApi;
  beforeAll(async () => {
    own = await startApi({ metricsToken: METRICS });
  });
  afterAll(async () => {
    await own?.close();
  });

  it('needs the admin token or http.metricsToken; user tokens and none get 401', async () => {
    const user = await own.call('POST', '/api/v1/users', {
      token: ADMIN,
      body: { username: 'scraper' },
    });
    expect(user.status).toBe(201);
    const none = await own.call('GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthorized');
    expect(JSON.stringify(none.json)).not.toMatch(/multichat_/);
    expect((await own.call('GET', '/metrics', { token: user.json.token })).status).toBe(401);
    expect((await own.call('GET', '/metrics', { token: `${METRICS}x` })).status).toBe(401);
    const byMetrics = await own.call('GET', '/metrics', { token: METRICS });
    expect(byMetrics.status).toBe(200);
    expect(await byMetrics.res.text()).toMatch(/^multichat_entries \d+$/m);
    expect((await own.call('GET', '/metrics', { token: ADMIN })).status).toBe(200);
  });

  it('the metrics token opens nothing else', async () => {
    expect((await own.call('GET', '/api/v1/status', { token: METRICS })).status).toBe(401);
  });
});

describe('event stream limits (issue 15)', () => {
  const BUFFER = 8 * 1024;
  let own: TestApi;
  let writer: { id: string; token: string };
  let reader: { id: string; token: string };
  let channel: string;

  beforeAll(async () => {
    own = await startApi({
      rateLimit: { perSecond: 100_000, burst: 100_000 },
      maxStreamsPerToken: 2,
      streamBufferBytes: BUFFER,
    });
    const user = async (username: string) =>
      (await own.call('POST', '/api/v1/users', { token: ADMIN, body: { username } })).json as {
        id: string;
        token: string;
      };
    writer = await user('writer');
    reader = await user('reader');
    channel = (
      await own.call('POST', '/api/v1/channels', { token: writer.token, body: { name: 'busy' } })
    ).json.id;
    await own.call('POST', `/api/v1/channels/${channel}/join`, { token: reader.token });
  });
  afterAll(async () => {
    await own?.close();
  });

  const post = (text: string) =>
    own.call('POST', `/api/v1/channels/${channel}/messages`, {
      token: writer.token,
      body: { text },
    });

  /** Every event of an SSE body until the server ends it (or 10 s pass). */
  async function readToEnd(res: Response): Promise<{ events: SseEvent[]; ended: boolean }> {
    const reader = res.body!.getReader();
    const timeout = setTimeout(() => void reader.cancel(), 10_000);
    let text = '';
    let ended = false;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          ended = true;
          break;
        }
        text += new TextDecoder().decode(chunk.value);
      }
    } catch {
      // cancelled by the timeout: ended stays false
    } finally {
      clearTimeout(timeout);
    }
    return { events: parseSse(text), ended };
  }

  it('a reader that falls behind gets an overflow event and is dropped; the hub lets go', async () => {
    const stream = await own.call('GET', '/api/v1/events', { token: reader.token });
    expect(stream.status).toBe(200);
    expect(own.gateway.sse.size).toBe(1);
    // The response body is not read: every event stays unsent on the server until the bound.
    const text = 'x'.repeat(1000);
    let posted = 0;
    while (own.gateway.sse.size > 0 && posted < 200) {
      expect((await post(`${posted} ${text}`)).status).toBe(201);
      posted++;
    }
    expect(own.gateway.sse.size).toBe(0);
    expect(own.gateway.sse.held(reader.id)).toBe(0);
    // Read later: what was in flight, then the overflow event, then the end of the stream.
    const { events, ended } = await readToEnd(stream.res);
    expect(ended).toBe(true);
    expect(events[0]?.event).toBe('ready');
    const last = events.at(-1);
    expect(last?.event).toBe('overflow');
    expect(last?.data.reason).toBe('slow reader');
    const delivered = events.filter((e) => e.event === 'message').length;
    expect(delivered).toBeLessThan(posted);
    expect(last?.data.dropped).toBeGreaterThanOrEqual(1);
    expect(delivered + Number(last?.data.dropped)).toBeLessThanOrEqual(posted);
    // No more events arrive for it: the next post reaches no stream.
    expect((await post('after the drop')).status).toBe(201);
    expect(own.gateway.sse.size).toBe(0);
  });

  it('over a real socket that stops reading: dropped with the overflow event, read later', async () => {
    const server = serve({ fetch: own.gateway.app.fetch, hostname: '127.0.0.1', port: 0 });
    const socket = connect((await listening(server)).port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    try {
      socket.write(
        `GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: Bearer ${reader.token}\r\n\r\n`,
      );
      await vi.waitFor(() => expect(received).toContain('event: ready'));
      // From here the client reads nothing: the kernel buffers fill, then the server's.
      socket.pause();
      const text = 'z'.repeat(6 * 1024);
      let posted = 0;
      while (own.gateway.sse.size > 0 && posted < 5000) {
        expect((await post(`${posted} ${text}`)).status).toBe(201);
        posted++;
      }
      expect(own.gateway.sse.size).toBe(0);
      // Read later: the stream carries what was in flight, then overflow, then it ends.
      socket.resume();
      // The end of the chunked body: the server closed the stream after the overflow event.
      await vi.waitFor(() => expect(received).toMatch(/\r\n0\r\n\r\n$/), { timeout: 10_000 });
      const body = received.slice(received.indexOf('\r\n\r\n') + 4);
      const events = parseSse(dechunk(body));
      const last = events.at(-1);
      expect(last).toEqual({
        event: 'overflow',
        data: { reason: 'slow reader', dropped: expect.any(Number) },
      });
      expect(events.filter((e) => e.event === 'message').length).toBeLessThan(posted);
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a dropped reader that never reads is cut after the grace time', async () => {
    const quick = await startApi({
      rateLimit: { perSecond: 100_000, burst: 100_000 },
      streamBufferBytes: BUFFER,
      streamOverflowGraceMs: 300,
    });
    const server = serve({ fetch: quick.gateway.app.fetch, hostname: '127.0.0.1', port: 0 });
    const socket = connect((await listening(server)).port, '127.0.0.1');
    try {
      const mk = async (username: string) =>
        (await quick.call('POST', '/api/v1/users', { token: ADMIN, body: { username } })).json;
      const [w, r] = [await mk('w'), await mk('r')];
      const ch = (
        await quick.call('POST', '/api/v1/channels', { token: w.token, body: { name: 'c' } })
      ).json.id;
      await quick.call('POST', `/api/v1/channels/${ch}/join`, { token: r.token });
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.write(
        `GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${r.token}\r\n\r\n`,
      );
      await vi.waitFor(() => expect(received).toContain('event: ready'));
      socket.pause();
      const connections = () =>
        new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
      expect(await connections()).toBe(1);
      for (let i = 0; quick.gateway.sse.size > 0 && i < 5000; i++) {
        await quick.call('POST', `/api/v1/channels/${ch}/messages`, {
          token: w.token,
          body: { text: `${i} ${'q'.repeat(6 * 1024)}` },
        });
      }
      expect(quick.gateway.sse.size).toBe(0);
      // The client still reads nothing: the server closes the connection itself.
      await vi.waitFor(async () => expect(await connections()).toBe(0), { timeout: 10_000 });
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await quick.close();
    }
  });

  it('a reader that keeps up is not dropped', async () => {
    const stream = await own.call('GET', '/api/v1/events', { token: reader.token });
    const got = readEvents(
      stream.res,
      (evs) => evs.filter((e) => e.event === 'message').length >= 30,
    );
    for (let i = 0; i < 29; i++) await post(`steady ${i} ${'y'.repeat(500)}`);
    // One event larger than the whole buffer still reaches a reader that keeps up.
    await post(`big ${'w'.repeat(3 * BUFFER)}`);
    const events = await got;
    expect(events.filter((e) => e.event === 'message')).toHaveLength(30);
    expect(events.at(-1)?.data.text).toHaveLength(4 + 3 * BUFFER);
    expect(events.some((e) => e.event === 'overflow')).toBe(false);
    await vi.waitFor(() => expect(own.gateway.sse.size).toBe(0));
  });

  it('a token holds at most maxStreamsPerToken streams; the next one gets 429', async () => {
    const controllers = [new AbortController(), new AbortController()];
    const open = await Promise.all(
      controllers.map((ac) =>
        own.call('GET', '/api/v1/events', { token: reader.token, signal: ac.signal }),
      ),
    );
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await own.call('GET', '/api/v1/events', { token: reader.token });
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe('too_many_streams');
    expect(third.json.error.message).toContain('maxStreamsPerToken');
    // Another user is not affected by the reader's streams.
    const other = await own.call('GET', '/api/v1/events', { token: writer.token });
    expect(other.status).toBe(200);
    // Closing one frees its slot.
    await open[0]!.res.body!.cancel();
    await vi.waitFor(() => expect(own.gateway.sse.held(reader.id)).toBe(1));
    const again = await own.call('GET', '/api/v1/events', { token: reader.token });
    expect(again.status).toBe(200);
    for (const r of [open[1]!, other, again]) await r.res.body!.cancel();
    await vi.waitFor(() => expect(own.gateway.sse.size).toBe(0));
  });
});

/** Parses SSE text into events (comment lines such as keepalives are skipped). */
function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) as Json });
  }
  return events;
}

/** Undoes HTTP/1.1 chunked transfer encoding of a complete body. */
function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Waits until a server from serve() listens; returns its address. */
async function listening(server: ReturnType<typeof serve>): Promise<AddressInfo> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  return server.address() as AddressInfo;
}
