import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, startApi, type TestApi } from './http-helpers.js';

describe('users and tokens (issue 21)', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  async function user(name: string): Promise<{ id: string; token: string }> {
    const res = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: name } });
    expect(res.status).toBe(201);
    return res.json;
  }

  it('GET /users lists native users in pages (admin only); identity lookups still work', async () => {
    const made = [await user('ann'), await user('bob'), await user('cyd')];
    const first = await api.call('GET', '/api/v1/users?limit=2', { token: ADMIN });
    expect(first.status).toBe(200);
    expect(first.json.users).toHaveLength(2);
    const second = await api.call('GET', `/api/v1/users?limit=2&after=${first.json.next}`, {
      token: ADMIN,
    });
    expect(second.json.next).toBeUndefined();
    const names = [...first.json.users, ...second.json.users].map(
      (u: { username: string }) => u.username,
    );
    expect(names.sort()).toEqual(['ann', 'bob', 'cyd']);
    const asUser = await api.call('GET', '/api/v1/users', { token: made[0]!.token });
    expect(asUser.status).toBe(403);
    const lookup = await api.call('GET', '/api/v1/users?network=irc&externalId=x', {
      token: ADMIN,
    });
    expect(lookup.status).toBe(404);
  });

  it('an admin reissue makes the old token 401 at once and the new one work', async () => {
    const ann = await user('ann');
    const res = await api.call('POST', '/api/v1/users/ann/token', { token: ADMIN });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: ann.id, username: 'ann' });
    expect(res.json.token).not.toBe(ann.token);
    expect((await api.call('GET', '/api/v1/users/me', { token: ann.token })).status).toBe(401);
    const me = await api.call('GET', '/api/v1/users/me', { token: res.json.token });
    expect(me.json.username).toBe('ann');
  });

  it('a user reissues their own token; revoke by the admin makes every token 401', async () => {
    const bob = await user('bob');
    const own = await api.call('POST', '/api/v1/users/me/token', { token: bob.token });
    expect(own.status).toBe(201);
    expect((await api.call('GET', '/api/v1/users/me', { token: bob.token })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/users/me', { token: own.json.token })).status).toBe(200);
    const revoke = await api.call('DELETE', `/api/v1/users/${bob.id}/token`, { token: ADMIN });
    expect(revoke.status).toBe(204);
    const after = await api.call('GET', '/api/v1/users/me', { token: own.json.token });
    expect(after.status).toBe(401);
    expect(after.json.error.message).toMatch(/revoked/);
  });

  it('token routes: 403 for a user acting on another, 404 for an unknown or bridged user', async () => {
    const ann = await user('ann');
    await user('bob');
    const other = await api.call('POST', '/api/v1/users/bob/token', { token: ann.token });
    expect(other.status).toBe(403);
    expect((await api.call('POST', '/api/v1/users/nobody/token', { token: ADMIN })).status).toBe(
      404,
    );
    const ghost = await api.node.ensureBridgedUser(
      { network: 'irc', externalId: 'libera/zed' },
      { username: 'zed' },
    );
    const res = await api.call('DELETE', `/api/v1/users/${ghost.id}/token`, { token: ADMIN });
    expect(res.status).toBe(404);
  });

  it('a typo of a field is named as unknown, not as a missing field', async () => {
    const ann = await user('ann');
    const ch = await api.call('POST', '/api/v1/channels', {
      token: ann.token,
      body: { name: 'g' },
    });
    const send = await api.call('POST', `/api/v1/channels/${ch.json.id}/messages`, {
      token: ann.token,
      body: { txt: 'hi' },
    });
    expect(send.status).toBe(400);
    expect(send.json.error.message).toBe('unknown field txt');
    const msg = await api.call('POST', `/api/v1/channels/${ch.json.id}/messages`, {
      token: ann.token,
      body: { text: 'hi' },
    });
    const edit = await api.call('PATCH', `/api/v1/channels/${ch.json.id}/messages/${msg.json.id}`, {
      token: ann.token,
      body: { txt: 'hello' },
    });
    expect(edit.status).toBe(400);
    expect(edit.json.error.message).toBe('unknown field txt');
    const nested = await api.call('POST', `/api/v1/channels/${ch.json.id}/messages`, {
      token: ann.token,
      body: { text: 'x', attachments: [{ hsh: 'a'.repeat(64) }] },
    });
    expect(nested.json.error.message).toBe('unknown field attachments.0.hsh');
  });
});
