/**
 * Issue 15 over the HTTP API: private channel metadata, name squatting, hostile names and
 * reaction keys. Kept apart from http-api.test.ts (a node of its own, so these channels and users
 * change nothing that file counts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEnvelopes, tempNode } from '../support/core.js';
import { ADMIN, startApi, type Json, type TestApi } from './http-helpers.js';
describe('private channels, names and reactions (issue 15)', () => {
  let n: TestApi;
  let owner: { id: string; token: string };
  let member: { id: string; token: string };
  let stranger: { id: string; token: string };
  let secret: Json;
  let lobby: Json;
  const v1 = (path: string) => `/api/v1${path}`;
  const as = (who: { token: string } | string, method: string, path: string, body?: unknown) =>
    n.call(method, v1(path), {
      token: typeof who === 'string' ? who : who.token,
      ...(body !== undefined && { body }),
    });
  const user = async (username: string) => {
    const res = await as(ADMIN, 'POST', '/users', { username });
    expect(res.status).toBe(201);
    return res.json as { id: string; token: string };
  };

  beforeAll(async () => {
    n = await startApi({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
    owner = await user('owner');
    member = await user('member');
    stranger = await user('stranger');
    secret = (
      await as(owner, 'POST', '/channels', {
        name: 'secret-plans',
        topic: 'not for you',
        visibility: 'private',
      })
    ).json;
    expect(
      (await as(owner, 'PUT', `/channels/${secret.id}/members/${member.id}`, { role: 'member' }))
        .status,
    ).toBe(200);
    lobby = (await as(owner, 'POST', '/channels', { name: 'lobby' })).json;
  });

  afterAll(async () => {
    await n?.close();
  });

  it('a private channel is 404 to non-members by id and by name, like a missing one', async () => {
    const reads = [
      `/channels/${secret.id}`,
      '/channels/secret-plans',
      `/channels/${secret.id}/members`,
      `/channels/${secret.id}/messages`,
      '/channels/secret-plans/messages',
    ];
    for (const path of reads) {
      const ref = path.split('/')[2]!;
      const res = await as(stranger, 'GET', path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.json.error).toEqual({ code: 'not_found', message: `channel ${ref} not found` });
      expect(JSON.stringify(res.json)).not.toContain('not for you');
      expect((await as(member, 'GET', path)).status).toBe(200);
    }
    const writes: [string, string, unknown][] = [
      ['POST', `/channels/${secret.id}/messages`, { text: 'hi' }],
      ['POST', `/channels/${secret.id}/join`, undefined],
      ['POST', `/channels/${secret.id}/leave`, undefined],
      ['PUT', `/channels/${secret.id}/members/${stranger.id}`, { role: 'member' }],
    ];
    for (const [method, path, body] of writes) {
      expect([path, (await as(stranger, method, path, body)).status]).toEqual([path, 404]);
    }
    expect((await as(member, 'GET', `/channels/${secret.id}`)).json).toMatchObject({
      name: 'secret-plans',
      topic: 'not for you',
      role: 'member',
    });
  });

  it('the admin token reads a private channel and its members', async () => {
    const channel = await as(ADMIN, 'GET', `/channels/${secret.id}`);
    expect(channel.status).toBe(200);
    expect(channel.json).toMatchObject({ name: 'secret-plans', creator: owner.id, role: null });
    const members = await as(ADMIN, 'GET', '/channels/secret-plans/members');
    expect(members.json.members.map((m: Json) => m.user.id).sort()).toEqual(
      [owner.id, member.id].sort(),
    );
  });

  it('GET /channels lists public channels and the caller’s own; the admin sees all', async () => {
    const names = async (who: { token: string } | string) =>
      ((await as(who, 'GET', '/channels')).json.channels as Json[]).map((c) => c.name).sort();
    expect(await names(stranger)).toEqual(['lobby']);
    expect(await names(member)).toEqual(['lobby', 'secret-plans']);
    expect(await names(ADMIN)).toEqual(['lobby', 'secret-plans']);
  });

  it('a second channel of a name this node knows is 409 naming the first', async () => {
    const res = await as(stranger, 'POST', '/channels', { name: 'lobby' });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain(lobby.id);
    expect((await as(ADMIN, 'GET', '/channels')).json.channels).toHaveLength(2);
  });

  it('once a peer squats a name, lookups by it are 409 naming both ids; ids still work', async () => {
    const peer = await tempNode();
    const { user: mallory } = await peer.createLocalUser('mallory');
    const squat = (name: string, visibility: 'public' | 'private') =>
      peer.submit(mallory.id, { kind: 'createChannel', name, visibility });
    const theirs = (await squat('lobby', 'public')).channel!.id;
    const hidden = (await squat('secret-plans', 'private')).channel!.id;
    expect((await n.node.ingest(allEnvelopes(peer))).rejected).toEqual([]);

    for (const [method, path] of [
      ['GET', '/channels/lobby'],
      ['GET', '/channels/lobby/messages'],
      ['POST', '/channels/lobby/join'],
    ] as const) {
      const res = await as(stranger, method, path);
      expect([path, res.status, res.json.error.code]).toEqual([path, 409, 'conflict']);
      expect(res.json.error.message).toContain("channel name 'lobby' is ambiguous");
      expect(res.json.error.message).toContain(lobby.id);
      expect(res.json.error.message).toContain(theirs);
    }
    expect((await as(stranger, 'GET', `/channels/${lobby.id}`)).json.creator).toBe(owner.id);
    // A private channel the caller cannot see neither counts nor shows in the message.
    const mine = await as(member, 'GET', '/channels/secret-plans');
    expect(mine.json.id).toBe(secret.id);
    const admin = await as(ADMIN, 'GET', '/channels/secret-plans');
    expect(admin.status).toBe(409);
    expect(admin.json.error.message).toContain(hidden);
  });

  it('names with control, bidi or invisible characters are 400 naming the field and code point', async () => {
    const refused: [string, string, Json, string, string][] = [
      ['POST', '/users', { username: 'admin\u202Egnp' }, 'username', 'U+202E'],
      ['POST', '/users', { username: 'nul\u0000' }, 'username', 'U+0000'],
      ['POST', '/users', { username: 'zero\u200Bwidth' }, 'username', 'U+200B'],
      ['POST', '/channels', { name: 'red\u001b[31m' }, 'name', 'U+001B'],
      ['POST', '/channels', { name: 'two\nlines' }, 'name', 'U+000A'],
      ['POST', '/channels', { name: 'ok', topic: 'a\rb' }, 'topic', 'U+000D'],
      ['PATCH', '/users/me', { username: 'iso\u2066late' }, 'username', 'U+2066'],
    ];
    for (const [method, path, body, field, cp] of refused) {
      const res = await as(path === '/users' ? ADMIN : owner, method, path, body);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.json.error.message).toContain(field);
      expect(res.json.error.message).toContain(cp);
    }
    expect((await as(ADMIN, 'GET', '/channels')).json.channels).toHaveLength(4);
    expect((await as(owner, 'GET', '/users/me')).json.username).toBe('owner');
    const topic = await as(owner, 'POST', '/channels', { name: 'notes', topic: 'one\ntwo' });
    expect(topic.status).toBe(201);
    expect(topic.json.topic).toBe('one\ntwo');
    const nfc = await as(ADMIN, 'POST', '/users', { username: 'Jose\u0301' });
    expect(nfc.json.username).toBe('Jos\u00e9');
  });

  it('look-alike usernames: 409 naming the user for a new local one, flagged for a peer', async () => {
    for (const name of ['Owner', '0wner', '\u043ewner']) {
      const res = await as(ADMIN, 'POST', '/users', { username: name });
      expect([name, res.status]).toEqual([name, 409]);
      expect(res.json.error.message).toContain(owner.id);
    }
    const rename = await as(stranger, 'PATCH', '/users/me', { username: 'OWNER' });
    expect(rename.status).toBe(409);
    expect(rename.json.error.message).toContain(owner.id);
    expect((await as(stranger, 'GET', '/users/me')).json.username).toBe('stranger');
    const peer = await tempNode();
    const { user: fake } = await peer.createLocalUser('Member');
    expect((await n.node.ingest(allEnvelopes(peer))).rejected).toEqual([]);
    const flagged = await as(stranger, 'GET', `/users/${fake.id}`);
    expect(flagged.json.lookalikeOf).toEqual([{ id: member.id, username: 'member' }]);
    const real = await as(member, 'GET', '/users/me');
    expect(real.json.lookalikeOf).toEqual([{ id: fake.id, username: 'Member' }]);
    expect((await as(stranger, 'GET', `/users/${stranger.id}`)).json.lookalikeOf).toBeUndefined();
  });

  it('reaction keys such as %00 and /../ are 400; emoji and :shortcodes: are stored', async () => {
    const sent = await as(owner, 'POST', `/channels/${lobby.id}/messages`, { text: 'react' });
    const base = `/channels/${lobby.id}/messages/${sent.json.id}/reactions`;
    for (const key of ['%00', '%2F..%2F', 'yes', '%1B%5B2J']) {
      const res = await as(owner, 'PUT', `${base}/${key}`);
      expect([key, res.status]).toEqual([key, 400]);
      expect(res.json.error.message).toContain('emoji');
    }
    expect((await as(owner, 'PUT', `${base}/${encodeURIComponent('👍')}`)).status).toBe(204);
    expect((await as(owner, 'PUT', `${base}/${encodeURIComponent(':tada:')}`)).status).toBe(204);
    const message = await as(owner, 'GET', `/channels/${lobby.id}/messages/${sent.json.id}`);
    expect(message.json.reactions).toEqual({ '👍': [owner.id], ':tada:': [owner.id] });
  });
});
