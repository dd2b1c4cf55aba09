/**
 * `typing` on `GET /api/v1/events`: a bridged person typing in a linked channel (the bridge
 * runtime's typing notices) reaches the streams of users who can read that channel, never of
 * those who cannot, and never the typist's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypingNotice } from '../../src/bridges/runtime/index.js';
import type { ChannelId, UserId } from '../../src/core/types.js';
import type { NetworkName } from '../../src/mapping/types.js';
import { eventually } from '../support/eventually.js';
import { ADMIN, readEvents, startApi, type TestApi } from './http-helpers.js';

const listeners = new Set<(n: TypingNotice) => void>();
const typing = (listener: (n: TypingNotice) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const notify = (n: TypingNotice) => {
  for (const l of listeners) l(n);
};

const discord = 'discord' as NetworkName;
const matrix = 'matrix' as NetworkName;

let api: TestApi;
const users: Record<string, { id: UserId; token: string }> = {};
let general: ChannelId;
let side: ChannelId;

beforeAll(async () => {
  api = await startApi({ rateLimit: { perSecond: 10_000, burst: 10_000 } }, { typing });
  for (const name of ['alice', 'bob', 'carol']) {
    const res = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: name } });
    users[name] = res.json;
  }
  const create = async (name: string, token: string) =>
    (await api.call('POST', '/api/v1/channels', { token, body: { name } })).json.id as ChannelId;
  general = await create('general', users.alice!.token);
  await api.call('POST', `/api/v1/channels/${general}/join`, { token: users.bob!.token });
  side = await create('side', users.carol!.token);
});

afterAll(async () => {
  await api?.close();
});

describe('typing on the event stream', () => {
  it('reaches readers of the channel, not others nor the typist', async () => {
    const { alice, bob, carol } = users as Record<string, { id: UserId; token: string }>;
    const open = async (token: string) => (await api.call('GET', '/api/v1/events', { token })).res;
    const [toAlice, toBob, toCarol] = await Promise.all([
      open(alice!.token),
      open(bob!.token),
      open(carol!.token),
    ]);
    const streams = [toAlice!, toBob!, toCarol!].map((res) =>
      readEvents(res, (evs) => evs.some((e) => e.event === 'typing' && e.data.active === false)),
    );
    // Every stream has subscribed (one typing listener each) before anyone types.
    await eventually(() => listeners.size === 3, { what: 'three streams subscribed' });
    notify({ channel: general, user: bob!.id, active: true, network: discord });
    notify({ channel: side, user: bob!.id, active: true, network: discord });
    notify({ channel: general, user: bob!.id, active: false, network: discord });
    // The last notice each stream waits for (a stop it may see).
    notify({ channel: general, user: alice!.id, active: false, network: matrix });
    notify({ channel: side, user: alice!.id, active: false, network: discord });
    const [aliceGot, bobGot, carolGot] = await Promise.all(streams);
    const typings = (evs: { event: string; data: unknown }[]) =>
      evs.filter((e) => e.event === 'typing').map((e) => e.data);
    expect(typings(aliceGot!)).toEqual([
      { channel: general, user: bob!.id, active: true },
      { channel: general, user: bob!.id, active: false },
    ]);
    // Bob's own typing is not streamed to him; alice's is.
    expect(typings(bobGot!)).toEqual([{ channel: general, user: alice!.id, active: false }]);
    // Carol reads only side: bob's typing there, and alice's stop there.
    expect(typings(carolGot!)).toEqual([
      { channel: side, user: bob!.id, active: true },
      { channel: side, user: alice!.id, active: false },
    ]);
  });
});
