/**
 * What the OpenAPI document promises and the app does, checked without schemathesis: 405 with
 * Allow for a known path and another method, the statuses routes really answer, and name
 * patterns that agree with the server on the characters it refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApi, type Json, type TestApi } from './http-helpers.js';

let api: TestApi;
let doc: Json;

beforeAll(async () => {
  api = await startApi();
  doc = (await api.call('GET', '/api/v1/openapi.json')).json;
});
afterAll(async () => {
  await api.close();
});

describe('405 for a known path with another method', () => {
  it('answers 405 naming the methods in Allow, for public and authenticated paths', async () => {
    const probe = await api.call('POST', '/healthz');
    expect(probe.status).toBe(405);
    expect(probe.headers.get('allow')).toBe('GET, HEAD');
    expect(probe.json.error.code).toBe('method_not_allowed');

    const users = await api.call('DELETE', '/api/v1/users/me', { token: ADMIN });
    expect(users.status).toBe(405);
    expect(users.headers.get('allow')).toBe('GET, HEAD, PATCH');

    const message = await api.call('PUT', '/api/v1/channels/c_x/messages/m_y', { token: ADMIN });
    expect(message.status).toBe(405);
    expect(message.headers.get('allow')?.split(', ').sort()).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'PATCH',
    ]);
  });

  it('still answers 404 for a path no route has, and 401 before 405 without a token', async () => {
    const unknown = await api.call('GET', '/api/v1/nothing-here', { token: ADMIN });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
    // hono routes strictly: a trailing slash is another path, which no route has.
    for (const method of ['GET', 'POST']) {
      const slash = await api.call(method, '/api/v1/channels/', { token: ADMIN });
      expect(slash.status, method).toBe(404);
    }
    expect((await api.call('DELETE', '/api/v1/status')).status).toBe(401);
  });

  it('every method in Allow is one the document lists for that path', async () => {
    const res = await api.call('DELETE', '/api/v1/channels', { token: ADMIN });
    const allowed = res.headers.get('allow')!.toLowerCase().split(', ');
    const documented = Object.keys(doc.paths['/api/v1/channels'] as object);
    expect(allowed.filter((m) => m !== 'head').sort()).toEqual(documented.sort());
  });
});

describe('the document states what the routes answer', () => {
  const responses = (path: string, method: string): string[] =>
    Object.keys(doc.paths[path][method].responses as object);

  it('documents 400/409/413/429 where the server gives them', () => {
    expect(responses('/api/v1/users', 'post')).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '413', '429']),
    );
    expect(responses('/api/v1/channels/{id}/messages', 'get')).toEqual(
      expect.arrayContaining(['200', '400', '404', '409', '429']),
    );
    expect(responses('/api/v1/channels/{id}/join', 'post')).toContain('409');
    expect(responses('/metrics', 'get').sort()).toEqual(['200', '401']);
    expect(doc.paths['/metrics'].get.responses['200'].content).toHaveProperty('text/plain');
    expect(doc.paths['/'].get.responses['200'].content).toHaveProperty('text/html');
    expect(doc.paths['/api/v1/events'].get.responses['200'].content).toHaveProperty(
      'text/event-stream',
    );
  });

  it('a rate-limited answer names Retry-After', () => {
    const limited = doc.paths['/api/v1/status'].get.responses['429'];
    expect(limited.headers['Retry-After'].required).toBe(true);
    expect(doc.paths['/healthz'].get.responses['429']).toBeUndefined();
  });

  it('the username pattern refuses what the server refuses and allows what it takes', async () => {
    const body = doc.paths['/api/v1/users'].post.requestBody.content['application/json'].schema;
    const pattern = new RegExp(body.properties.username.pattern as string, 'u');
    for (const bad of ['a\u0000b', 'a\u202eb', ' lead', 'trail ', 'tab\there', 'zw\u200bj']) {
      expect(pattern.test(bad), JSON.stringify(bad)).toBe(false);
      const res = await api.call('POST', '/api/v1/users', {
        token: ADMIN,
        body: { username: bad },
      });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    for (const good of ['zoë', '山田', 'a b', '😀'.repeat(64)]) {
      expect(pattern.test(good), good).toBe(true);
      const res = await api.call('POST', '/api/v1/users', {
        token: ADMIN,
        body: { username: good },
      });
      expect(res.status, good).toBe(201);
    }
  });

  it('the reaction key schema accepts exactly the keys the server takes', async () => {
    const path = '/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}';
    const param = (doc.paths[path].put.parameters as Json[]).find((p) => p.name === 'emoji');
    const documented = (key: string): boolean =>
      (param.schema.anyOf as Json[]).some(
        (s) =>
          [...key].length >= s.minLength &&
          [...key].length <= s.maxLength &&
          new RegExp(s.pattern as string, 'u').test(key),
      );
    const user = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: 'r' } });
    const token = user.json.token as string;
    await api.call('POST', '/api/v1/channels', { token, body: { name: 'reactions' } });
    const msg = await api.call('POST', '/api/v1/channels/reactions/messages', {
      token,
      body: { text: 'react here' },
    });
    const base = `/api/v1/channels/reactions/messages/${msg.json.id}/reactions/`;
    for (const key of [':+1:', ":it's:", ':x::skin-tone-2:', '👍', '👍🏽', '❤️', '🇫🇷']) {
      expect(documented(key), key).toBe(true);
      const res = await api.call('PUT', base + encodeURIComponent(key), { token });
      expect(res.status, key).toBe(204);
    }
    for (const key of ['%00', '/../', 'a', ':a b:', '\u202e', '0']) {
      expect(documented(key), key).toBe(false);
      const res = await api.call('PUT', base + encodeURIComponent(key), { token });
      expect(res.status, key).toBe(400);
    }
  });

  it('PATCH /users/me needs one field, as minProperties says', async () => {
    const body = doc.paths['/api/v1/users/me'].patch.requestBody.content['application/json'].schema;
    expect(body.minProperties).toBe(1);
    const user = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: 'p' } });
    const res = await api.call('PATCH', '/api/v1/users/me', { token: user.json.token, body: {} });
    expect(res.status).toBe(400);
  });
});
