/**
 * When the event loop is blocked for longer than Discord's heartbeat interval, the client finds
 * its last heartbeat unacknowledged and reconnects (a "zombie connection"): the health detail and
 * the log say so, so an operator can tell a blocked process from a network fault (issue 23).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../src/bridges/discord/index.js';
import { DropCause } from '../../../src/bridges/discord/drop-cause.js';
import type { AdapterHealth, NetworkName } from '../../../src/bridges/types.js';
import { silentLogger } from '../../../src/core/options.js';
import { FAST_LIMITS, until } from '../../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../../peers/discord-fake/index.js';

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('DropCause', () => {
  it('keeps the reason of the last close, once', () => {
    const cause = new DropCause();
    cause.debug('[WS => Shard 0] Heartbeat acknowledged, latency of 3ms.');
    expect(cause.take()).toBeUndefined();
    cause.debug('[WS => Shard 0] Destroying shard\n\tReason: Zombie connection\n\tCode: 4200');
    expect(cause.take()).toMatch(/heartbeat was not acknowledged/);
    expect(cause.take()).toBeUndefined();
    cause.debug('[WS => Shard 0] Destroying shard\n\tReason: Got INVALID_SESSION\n\tCode: 1000');
    expect(cause.take()).toBe('Got INVALID_SESSION');
  });
});

describe('a Discord connection whose process stalls past a heartbeat', () => {
  it('reconnects and names the missed heartbeat as the cause', async () => {
    const fake = await startDiscordFake(FAST_LIMITS); // heartbeat every 1 s
    fakes.push(fake);
    const health: AdapterHealth[] = [];
    const adapter = createDiscordAdapter(
      { token: fake.token, apiUrl: fake.apiUrl, slashCommand: false },
      'discord' as NetworkName,
    )({
      logger: silentLogger,
      clock: { now: Date.now },
      emit: async () => undefined,
      reportHealth: (h) => void health.push(h),
    });
    try {
      await adapter.start();
      expect(adapter.health().state).toBe('connected');
      // The next heartbeat the fake receives blocks the whole process for 1.5 s before its
      // acknowledgement is sent: the client's next heartbeat is due before it reads the ACK.
      const stats = fake.gateway.stats;
      let count = stats.heartbeats;
      let armed = true;
      Object.defineProperty(stats, 'heartbeats', {
        get: () => count,
        set: (n: number) => {
          count = n;
          if (!armed) return;
          armed = false;
          const until = Date.now() + 1_500;
          while (Date.now() < until); // a blocked event loop, on purpose
        },
      });
      await until(
        () => health.some((h) => h.state === 'reconnecting'),
        'the client gives up the connection',
      );
      const lost = health.find((h) => h.state === 'reconnecting');
      expect(lost?.detail).toMatch(/heartbeat was not acknowledged in time/);
      await until(() => adapter.health().state === 'connected', 'the client resumes');
      expect(fake.gateway.stats.resumes).toBeGreaterThanOrEqual(1);
    } finally {
      await adapter.stop();
    }
  });
});
