/**
 * Emotes over the HTTP API: `POST /channels/:id/messages` with `"emote": true` makes an emote,
 * reads show `emote: true`, an edit without `emote` keeps it and one with `"emote": false`
 * drops it; a non-boolean `emote` is refused with 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApi, type TestApi } from './http-helpers.js';

let api: TestApi;
let token: string;
let base: string;

beforeAll(async () => {
  api = await startApi({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
  token = (await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: 'alice' } }))
    .json.token as string;
  const channel = (await api.call('POST', '/api/v1/channels', { token, body: { name: 'general' } }))
    .json.id as string;
  base = `/api/v1/channels/${channel}/messages`;
});

afterAll(async () => {
  await api?.close();
});

describe('emotes over the HTTP API', () => {
  it('posts, reads and edits an emote', async () => {
    const posted = await api.call('POST', base, { token, body: { text: 'waves', emote: true } });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ text: 'waves', emote: true });
    const id = posted.json.id as string;
    const plain = await api.call('POST', base, { token, body: { text: 'hello' } });
    expect(plain.json.emote).toBeUndefined();

    const listed = await api.call('GET', base, { token });
    expect(
      listed.json.messages.map((m: { text: string; emote?: boolean }) => [m.text, m.emote]),
    ).toEqual([
      ['waves', true],
      ['hello', undefined],
    ]);

    const kept = await api.call('PATCH', `${base}/${id}`, { token, body: { text: 'waves back' } });
    expect(kept.json).toMatchObject({ text: 'waves back', emote: true });
    const dropped = await api.call('PATCH', `${base}/${id}`, {
      token,
      body: { text: 'says hi', emote: false },
    });
    expect(dropped.json.text).toBe('says hi');
    expect(dropped.json.emote).toBeUndefined();
    expect((await api.call('GET', `${base}/${id}`, { token })).json.emote).toBeUndefined();

    const refused = await api.call('POST', base, { token, body: { text: 'x', emote: 'yes' } });
    expect(refused.status).toBe(400);
  });
});
