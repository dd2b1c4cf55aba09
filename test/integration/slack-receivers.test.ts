/**
 * The two receivers under faults. HTTP Events API: a request with a bad signature, a stale
 * timestamp or none at all is refused with 401 and nothing is processed; the URL verification
 * challenge is answered; a retried delivery (same event id) is processed once. Socket Mode: a
 * refresh (`disconnect`) or a dropped connection leads to a reconnect, and envelopes whose ack
 * was lost are re-sent by the fake and processed exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/bridges/slack/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import {
  LOOSE_LIMITS,
  quietLogger,
  startSlackHarness,
  until,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';
import {
  sign,
  startSlackFake,
  type FakeChannel,
  type FakeUser,
  type SlackFake,
} from '../peers/slack-fake/index.js';

const messagesOf = (h: SlackHarness) =>
  h.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : ''));
/**
 * Sends one more message and waits for it: events are emitted in the order they are received, so
 * once the marker is in, anything that was going to arrive before it has (no fixed sleep).
 */
async function marker(h: SlackHarness, channel: FakeChannel, user: FakeUser, text: string) {
  h.fake.say(channel, user, text);
  await until(() => messagesOf(h).includes(text), `the marker "${text}"`);
}

describe('slack HTTP receiver', () => {
  let h: SlackHarness;
  let general: FakeChannel;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await startSlackHarness('http');
    general = h.fake.addChannel('general');
    bob = h.fake.addUser('bob');
  });
  afterAll(async () => {
    await h.stop();
  });

  const eventBody = (text: string) => ({
    type: 'event_callback',
    team_id: h.fake.state.team.id,
    api_app_id: h.fake.state.appId,
    event_id: `Ev${text.replace(/\W/g, '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel: general.id, user: bob.id, text, ts: h.fake.state.nextTs() },
  });

  it('answers the url_verification challenge of a signed request', async () => {
    const http = h.fake.http!;
    const answer = await http.postJson({
      token: 't',
      challenge: 'c-123',
      type: 'url_verification',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('c-123');
  });

  it('refuses bad, stale and missing signatures with 401 and processes none of them', async () => {
    const http = h.fake.http!;
    const before = h.events.length;
    const now = Math.floor(Date.now() / 1000);
    const forged = await http.postJson(eventBody('forged'), {
      signature: sign('not-the-secret', now, JSON.stringify(eventBody('forged'))),
    });
    const stale = await http.postJson(eventBody('stale'), { timestamp: now - 6 * 60 });
    const unsigned = await http.postJson(eventBody('unsigned'), { unsigned: true });
    const challenge = await http.postJson(
      { token: 't', challenge: 'nope', type: 'url_verification' },
      { signature: 'v0=00' },
    );
    expect([forged.status, stale.status, unsigned.status, challenge.status]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(challenge.body).not.toContain('nope');
    // A good request after them is processed, and it is the only one.
    const good = await http.postJson(eventBody('good'));
    expect(good.status).toBe(200);
    await until(() => h.events.length > before, 'the good event');
    await marker(h, general, bob, 'after the refusals');
    expect(messagesOf(h).slice(-2)).toEqual(['good', 'after the refusals']);
    expect(h.events.length).toBe(before + 2);
  });

  it('a request signed a minute ago (inside the replay window) is accepted', async () => {
    const answer = await h.fake.http!.postJson(eventBody('recent'), {
      timestamp: Math.floor(Date.now() / 1000) - 60,
    });
    expect(answer.status).toBe(200);
    await until(() => messagesOf(h).includes('recent'), 'the recent event');
  });

  it('a retried delivery (X-Slack-Retry-Num, same event id) is processed once', async () => {
    const m = h.fake.say(general, bob, 'only once');
    const body = [...h.fake.bodies.values()].at(-1)!;
    await h.fake.http!.postJson(body, { retryNum: 1 });
    await h.fake.http!.postJson(body, { retryNum: 2 });
    await until(() => messagesOf(h).includes('only once'), 'the event');
    await marker(h, general, bob, 'after the retries');
    expect(messagesOf(h).filter((t) => t === 'only once')).toHaveLength(1);
    expect(h.events.filter((e) => e.kind === 'message' && e.externalId === m.ts)).toHaveLength(1);
  });
});

describe('slack Socket Mode receiver', () => {
  let h: SlackHarness;
  let general: FakeChannel;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await startSlackHarness('socket');
    general = h.fake.addChannel('general');
    bob = h.fake.addUser('bob');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('connects with apps.connections.open on the app token and acks every envelope', async () => {
    const opens = h.fake.callsOf('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens[0]?.token).toBe(h.fake.appToken);
    h.fake.say(general, bob, 'ack me');
    await until(() => messagesOf(h).includes('ack me'), 'the message');
    await until(() => h.fake.socket.unacked === 0, 'the ack');
  });

  it('a burst of mixed event types reaches the router in Socket Mode order', async () => {
    const from = h.events.length;
    const dave = h.fake.addUser('dave');
    const expected: string[] = [];
    for (let i = 0; i < 8; i++) {
      const m = h.fake.say(general, bob, `burst ${i}`);
      h.fake.react(m, dave, 'eyes');
      h.fake.join(general, dave);
      h.fake.changeProfile(dave, { displayName: `dave ${i}` });
      expected.push('message', 'reaction', 'join', 'profile');
    }
    await until(() => h.events.length - from >= expected.length, 'the burst');
    expect(h.events.slice(from).map((e) => e.kind)).toEqual(expected);
    const names = h.events
      .slice(from)
      .filter((e) => e.kind === 'profile')
      .map((e) => e.sender.displayName);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `dave ${i}`));
  });

  it('refresh_requested → reconnect; envelopes whose acks were lost are re-sent and processed once', async () => {
    const connections = h.fake.socket.stats.connections;
    const from = h.healths.length;
    const dropped = h.fake.socket.stats.droppedAcks;
    h.fake.socket.dropAcks = true;
    const sent = ['lost ack 1', 'lost ack 2', 'lost ack 3'].map((t) => h.fake.say(general, bob, t));
    await until(
      () => sent.every((m) => h.events.some((e) => e.kind === 'message' && e.externalId === m.ts)),
      'first deliveries',
    );
    // The adapter's acks reached the fake and were lost there.
    await until(() => h.fake.socket.stats.droppedAcks >= dropped + 3, 'the acks (dropped)');
    expect(h.fake.socket.unacked).toBe(3);
    h.fake.socket.dropAcks = false;
    h.fake.socket.refresh('refresh_requested');
    await until(() => h.fake.socket.stats.connections > connections, 'a new connection', 1_000);
    await until(() => h.fake.socket.unacked === 0, 're-sent envelopes acked', 1_000);
    expect(h.fake.socket.stats.resent).toBeGreaterThanOrEqual(3);
    await marker(h, general, bob, 'after the re-sends');
    for (const m of sent) {
      expect(h.events.filter((e) => e.kind === 'message' && e.externalId === m.ts)).toHaveLength(1);
    }
    await until(() => h.adapter.health().state === 'connected', 'connected again');
    expect(h.healths.slice(from).map((s) => s.state)).toContain('reconnecting');
  });

  it('events sent while the connection is down arrive after the reconnect, in order, once', async () => {
    const connections = h.fake.socket.stats.connections;
    h.fake.socket.drop();
    await until(() => !h.fake.socket.connected, 'the drop');
    const sent = ['while down 1', 'while down 2'].map((t) => h.fake.say(general, bob, t));
    expect(h.fake.socket.connected).toBe(false);
    expect(h.fake.socket.unacked).toBe(2);
    await until(() => h.fake.socket.stats.connections > connections, 'a new connection', 1_000);
    await until(
      () => sent.every((m) => h.events.some((e) => e.kind === 'message' && e.externalId === m.ts)),
      'the queued events',
    );
    await until(() => h.fake.socket.unacked === 0, 'acks');
    await marker(h, general, bob, 'after the reconnect');
    const texts = messagesOf(h).filter((t) => t.startsWith('while down'));
    expect(texts).toEqual(['while down 1', 'while down 2']);
  });
});

describe('slack connection failures are health states', () => {
  let fake: SlackFake;
  beforeAll(async () => {
    fake = await startSlackFake({ limits: LOOSE_LIMITS });
  });
  afterAll(async () => {
    await fake.stop();
  });

  const adapterWith = (config: Record<string, unknown>) =>
    createSlackAdapter(
      { apiUrl: fake.apiUrl, startTimeoutMs: 5_000, ...config },
      'slack' as NetworkName,
    )({
      logger: quietLogger,
      clock: { now: Date.now },
      emit: async () => undefined,
      reportHealth: () => undefined,
    });

  it('a revoked bot token → failed (auth.test: invalid_auth), start() does not throw', async () => {
    const adapter = adapterWith({ botToken: 'xoxb-wrong', appToken: fake.appToken });
    await adapter.start();
    expect(adapter.health().state).toBe('failed');
    expect(adapter.health().detail).toContain('invalid_auth');
    await adapter.stop();
    expect(adapter.health().state).toBe('stopped');
  });

  it('a wrong app token → failed, and no socket is opened', async () => {
    const connections = fake.socket.stats.connections;
    const adapter = adapterWith({ botToken: fake.botToken, appToken: 'xapp-wrong' });
    await adapter.start();
    expect(adapter.health().state).toBe('failed');
    expect(fake.socket.stats.connections).toBe(connections);
    await adapter.stop();
  });
});
