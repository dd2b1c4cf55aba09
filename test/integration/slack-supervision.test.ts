/**
 * Supervision against the Slack fake: a Web API that is unreachable at boot reads `reconnecting`
 * with the cause, is retried with backoff, ends `connected` (Socket Mode) once the fake starts
 * late, and the message sent meanwhile arrives. A refused bot token ends `failed`, naming
 * Slack's refusal, and auth.test is not called again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/bridges/slack/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { LOOSE_LIMITS } from '../peers/slack-fake/harness.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';
import { freePort } from '../peers/free-port.js';
import { eventually } from '../support/eventually.js';
import { startSupervisedRuntime, type SupervisedRuntime } from '../support/supervised-runtime.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(fake: SlackFake, botToken: string): Promise<SupervisedRuntime> {
  const supervised = await startSupervisedRuntime(
    createSlackAdapter(
      {
        botToken,
        appToken: fake.appToken,
        apiUrl: fake.apiUrl,
        mode: 'socket',
        clientPingTimeoutMs: 300,
        startTimeoutMs: 10_000,
      },
      'slack' as NetworkName,
    ),
  );
  cleanups.push(() => supervised.close());
  return supervised;
}

describe('slack supervision', () => {
  it('an API that is down at boot: reconnecting with the cause, then connected, and the message sent meanwhile arrives', async () => {
    const port = await freePort();
    const fake = await startSlackFake({ limits: LOOSE_LIMITS, port, deferListen: true });
    cleanups.push(() => fake.stop());
    const general = fake.addChannel('general');
    const { runtime, reports, sendLinked } = await setup(fake, fake.botToken);
    const health = runtime.health().slack;
    expect(health?.state).toBe('reconnecting');
    expect(health?.detail).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    await sendLinked('slack', { channel: general.id }, 'sent while slack was down');
    await eventually(() => reports.filter((r) => r.state === 'reconnecting').length >= 2, {
      what: 'a second reconnecting report (a retry)',
    });
    await fake.listen();
    await eventually(() => runtime.health().slack?.state === 'connected', {
      what: 'slack connected after its API started',
      timeoutMs: 30_000,
    });
    await eventually(
      () =>
        [...fake.state.messages.values()].some((m) => m.text.includes('sent while slack was down')),
      { what: 'the message sent while down, on the fake', timeoutMs: 30_000 },
    );
  });

  it('a refused bot token ends failed, names the refusal, and is not retried', async () => {
    const fake = await startSlackFake({ limits: LOOSE_LIMITS });
    cleanups.push(() => fake.stop());
    const { runtime } = await setup(fake, 'xoxb-wrong');
    const health = runtime.health().slack;
    expect(health?.state).toBe('failed');
    expect(health?.detail).toContain('invalid_auth');
    const before = fake.callsOf('auth.test').length;
    // Negative check: a scheduled retry (100 ms base here) would have called auth.test again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.callsOf('auth.test').length).toBe(before);
    expect(runtime.health().slack?.state).toBe('failed');
  });
});
