/**
 * Supervision against the Discord fake: a bridge whose API is unreachable at boot reads
 * `reconnecting` with the real cause (not discord.js's "Expected token to be set"), is retried
 * with backoff, ends `connected` once the fake starts late, and delivers a message sent while it
 * was down. A refused token ends `failed`, naming the refusal, and is not retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { freePort } from '../peers/free-port.js';
import { eventually } from '../support/eventually.js';
import { startSupervisedRuntime, type SupervisedRuntime } from '../support/supervised-runtime.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(fake: DiscordFake, token: string): Promise<SupervisedRuntime> {
  const supervised = await startSupervisedRuntime(
    createDiscordAdapter(
      { token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, readyTimeoutMs: 10_000 },
      'discord' as NetworkName,
    ),
  );
  cleanups.push(() => supervised.close());
  return supervised;
}

describe('discord supervision', () => {
  it('an API that is down at boot: reconnecting with the cause, then connected, and the message sent meanwhile arrives', async () => {
    const port = await freePort();
    const fake = await startDiscordFake({ ...FAST_LIMITS, port, deferListen: true });
    cleanups.push(() => fake.stop());
    const { runtime, reports, sendLinked } = await setup(fake, fake.token);
    const health = runtime.health().discord;
    expect(health?.state).toBe('reconnecting');
    expect(health?.detail).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(health?.detail).not.toContain('Expected token');
    await sendLinked('discord', { channel: fake.channel.id }, 'sent while discord was down');
    // A second failed attempt shows the supervisor retries; then the peer comes up.
    await eventually(() => reports.filter((r) => r.state === 'reconnecting').length >= 2, {
      what: 'a second reconnecting report (a retry)',
    });
    await fake.listen();
    await eventually(() => runtime.health().discord?.state === 'connected', {
      what: 'discord connected after its API started',
      timeoutMs: 30_000,
    });
    await eventually(
      () =>
        [...fake.state.messages.values()].some((m) =>
          m.content.includes('sent while discord was down'),
        ),
      { what: 'the message sent while down, on the fake', timeoutMs: 30_000 },
    );
  });

  it('a refused token ends failed, names the refusal, and is not retried', async () => {
    const fake = await startDiscordFake(FAST_LIMITS);
    cleanups.push(() => fake.stop());
    const { runtime } = await setup(fake, 'not-the-token');
    const health = runtime.health().discord;
    expect(health?.state).toBe('failed');
    expect(health?.detail).toMatch(/refused the bot token.*401/);
    const asked = () => fake.requests.filter((r) => r.path.includes('/gateway/bot')).length;
    const before = asked();
    // No retry is scheduled: a later request would have to come from a timer the test can see.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(asked()).toBe(before);
    expect(runtime.health().discord?.state).toBe('failed');
  });
});
