/**
 * Contract: rate limits and gateway faults. A storm of 429s is absorbed with nothing lost,
 * duplicated or reordered; a wait longer than the adapter's patience comes back to the router as
 * `retryAfterMs`; the global 50 requests/s is never exceeded; a dropped gateway resumes and gets
 * every event the fake replays, and a lost session re-identifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bridges/errors.js';
import type { InboundMessage, SendAction, TargetKey } from '../../src/bridges/types.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';

let h: DiscordHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function send(channel: string, text: string, key = text): SendAction {
  return {
    kind: 'send',
    target: { channel },
    targetKey: 'discord:test' as TargetKey,
    idempotencyKey: key,
    sender: { id: 'alice-id', name: 'alice' },
    text,
    rich: { blocks: [] } as never,
  };
}

const isExecute = (method: string, path: string) =>
  method === 'POST' && path.startsWith('/webhooks/');
const contents = (d: DiscordHarness) => [...d.fake.state.messages.values()].map((m) => m.content);
const messages = (d: DiscordHarness) =>
  d.events.filter((e): e is InboundMessage => e.kind === 'message' && e.self !== true);

describe('discord rate limits', () => {
  it('absorbs a 429 storm: every message posted once, in order, without breaking a bucket', async () => {
    h = await startDiscordHarness();
    const channel = h.fake.channel.id;
    await h.adapter.send(send(channel, 'warm-up'));
    h.fake.storm({ count: 30, retryAfterMs: 20, match: isExecute });
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const results = await Promise.all(texts.map((t) => h!.adapter.send(send(channel, t))));
    expect(results.every((r) => r.externalIds.length === 1)).toBe(true);
    expect(contents(h).filter((c) => c.startsWith('m'))).toEqual(texts);
    expect(h.fake.rateLimits.stats.stormed).toBe(30);
    // discord.js read the X-RateLimit headers: it never ran into a bucket's own limit.
    expect(h.fake.rateLimits.stats.routeLimited).toBe(0);
  });

  it('a global 429 is waited out too', async () => {
    h = await startDiscordHarness();
    h.fake.storm({ count: 3, retryAfterMs: 30, global: true });
    const result = await h.adapter.send(send(h.fake.channel.id, 'after a global limit'));
    expect(h.fake.state.messages.get(result.externalIds[0] as string)?.content).toBe(
      'after a global limit',
    );
  });

  it('a wait longer than maxRateLimitWaitMs becomes DeliveryError.retryAfterMs; the retry posts once', async () => {
    h = await startDiscordHarness({ config: { maxRateLimitWaitMs: 1_000 } });
    const channel = h.fake.channel.id;
    await h.adapter.send(send(channel, 'warm-up'));
    h.fake.storm({ count: 1, retryAfterMs: 5_000, match: isExecute });
    const failure = await h.adapter.send(send(channel, 'patient', 'k1')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).permanent).toBe(false);
    expect((failure as DeliveryError).retryAfterMs).toBeGreaterThanOrEqual(5_000);
    expect(contents(h)).not.toContain('patient');
    await h.adapter.send(send(channel, 'patient', 'k1'));
    expect(contents(h).filter((c) => c === 'patient')).toHaveLength(1);
  });

  it('never exceeds 50 requests per second globally', async () => {
    h = await startDiscordHarness({
      fake: { limitFor: () => ({ limit: 1_000, windowMs: 1_000 }), heartbeatIntervalMs: 1_000 },
    });
    const channels = [
      h.fake.channel.id,
      h.fake.addChannel('two').id,
      h.fake.addChannel('three').id,
    ];
    const texts = Array.from({ length: 120 }, (_, i) => `g${i}`);
    await Promise.all(texts.map((t, i) => h!.adapter.send(send(channels[i % 3] as string, t))));
    expect(contents(h).filter((c) => c.startsWith('g'))).toHaveLength(120);
    expect(h.fake.rateLimits.stats.globalLimited).toBe(0);
    expect(h.fake.rateLimits.stats.maxPerGlobalWindow).toBeLessThanOrEqual(50);
    for (const channel of channels) {
      const inChannel = [...h.fake.state.messages.values()].filter(
        (m) => m.channel_id === channel && m.content.startsWith('g'),
      );
      expect(inChannel.map((m) => m.content)).toEqual(
        texts.filter((_, i) => channels[i % 3] === channel),
      );
    }
  });
});

describe('discord gateway faults', () => {
  it('a dropped socket resumes and gets every event dispatched meanwhile, once, in order', async () => {
    h = await startDiscordHarness();
    const bob = h.fake.addUser('bob');
    h.fake.say(h.fake.channel.id, bob, 'before');
    await until(() => messages(h!).length === 1, 'first message');
    h.fake.gateway.dropSockets();
    for (const t of ['while down 1', 'while down 2', 'while down 3'])
      h.fake.say(h.fake.channel.id, bob, t);
    await until(
      () => h!.fake.gateway.stats.resumes === 1 && messages(h!).length === 4,
      'replayed messages',
    );
    expect(messages(h).map((m) => m.text)).toEqual([
      'before',
      'while down 1',
      'while down 2',
      'while down 3',
    ]);
    expect(h.fake.gateway.stats.identifies).toBe(1);
    expect(h.fake.gateway.stats.replayed).toBeGreaterThanOrEqual(3);
    await until(() => h!.adapter.health().state === 'connected', 'connected again');
  });

  it('op 7 RECONNECT resumes the session', async () => {
    h = await startDiscordHarness();
    const bob = h.fake.addUser('bob');
    h.fake.gateway.requestReconnect();
    h.fake.say(h.fake.channel.id, bob, 'around a reconnect');
    await until(() => h!.fake.gateway.stats.resumes === 1 && messages(h!).length === 1, 'resume');
    expect(messages(h).map((m) => m.text)).toEqual(['around a reconnect']);
  });

  it('a lost session is refused on RESUME and the client identifies again', async () => {
    h = await startDiscordHarness();
    const bob = h.fake.addUser('bob');
    h.fake.gateway.invalidateSessions();
    h.fake.gateway.dropSockets();
    // discord.js spaces IDENTIFYs 5 s apart (the documented identify limit): allow for it.
    await until(
      () => h!.fake.gateway.stats.identifies === 2 && h!.fake.gateway.connectedSessions() === 1,
      're-identify',
      2_000,
    );
    expect(h.fake.gateway.stats.invalidResumes).toBe(1);
    h.fake.say(h.fake.channel.id, bob, 'after re-identify');
    await until(() => messages(h!).length === 1, 'message on the new session');
    expect(messages(h)[0]?.text).toBe('after re-identify');
    await until(() => h!.adapter.health().state === 'connected', 'connected again');
  });
});
