/**
 * The adapter supervisor: a start that throws is retried with growing delays and the bridge
 * reads `reconnecting` with the thrown cause meanwhile; `failed` stops the retries; a stopped
 * supervisor starts nothing more. Also the gateway's down watch (supervision.exitWhenDownMinutes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterSupervisor } from '../../../src/bridges/runtime/supervisor.js';
import type { AdapterHealth, BridgeAdapter } from '../../../src/bridges/types.js';
import { watchBridges } from '../../../src/gateway/bridge-watch.js';
import { eventually } from '../../support/eventually.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An adapter whose start() follows a script: 'throw', 'failed' or 'connected'. */
function scripted(script: ('throw' | 'failed' | 'connected')[]) {
  let health: AdapterHealth = { state: 'stopped' };
  let starts = 0;
  const adapter = {
    name: 'net',
    health: () => health,
    async start() {
      const step = script[Math.min(starts, script.length - 1)] ?? 'connected';
      starts += 1;
      if (step === 'throw') {
        health = { state: 'connecting' };
        throw new Error(`connect ECONNREFUSED 127.0.0.1:9 (try ${starts})`);
      }
      health = step === 'failed' ? { state: 'failed', detail: 'token refused' } : { state: step };
    },
    async stop() {
      health = { state: 'stopped' };
    },
  } as unknown as BridgeAdapter;
  return { adapter, starts: () => starts };
}

const supervisors: AdapterSupervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop();
});

function supervise(adapter: BridgeAdapter, reports: AdapterHealth[]) {
  const s = new AdapterSupervisor({
    adapter,
    logger: quiet,
    random: () => 0.5,
    report: (h) => {
      reports.push(h);
      s.observe(h);
    },
    options: { backoff: { baseMs: 20, maxMs: 200, jitter: 0 } },
  });
  supervisors.push(s);
  return s;
}

describe('AdapterSupervisor', () => {
  it('retries a throwing start with doubling delays, showing the cause, until connected', async () => {
    const { adapter, starts } = scripted(['throw', 'throw', 'throw', 'connected']);
    const reports: AdapterHealth[] = [];
    const s = supervise(adapter, reports);
    await s.start();
    expect(s.health()).toEqual({
      state: 'reconnecting',
      detail: 'connect ECONNREFUSED 127.0.0.1:9 (try 1) (attempt 1; next in 20 ms)',
    });
    await eventually(() => s.health().state === 'connected', { what: 'connected' });
    expect(starts()).toBe(4);
    expect(reports.map((r) => r.detail)).toEqual([
      'connect ECONNREFUSED 127.0.0.1:9 (try 1) (attempt 1; next in 20 ms)',
      'connect ECONNREFUSED 127.0.0.1:9 (try 2) (attempt 2; next in 40 ms)',
      'connect ECONNREFUSED 127.0.0.1:9 (try 3) (attempt 3; next in 80 ms)',
    ]);
  });

  it('stops retrying on failed, keeping the adapter detail', async () => {
    const { adapter, starts } = scripted(['failed', 'connected']);
    const s = supervise(adapter, []);
    await s.start();
    expect(s.health()).toEqual({ state: 'failed', detail: 'token refused' });
    expect(starts()).toBe(1);
  });

  it('a stopped supervisor schedules nothing more', async () => {
    const { adapter, starts } = scripted(['throw']);
    const s = supervise(adapter, []);
    await s.start();
    await s.stop();
    const after = starts();
    await new Promise((resolve) => setTimeout(resolve, 100)); // > the 20 ms retry delay
    expect(starts()).toBe(after);
  });
});

describe('watchBridges', () => {
  it('resolves with the bridge down past the limit; a connected one never counts', async () => {
    let t = 0;
    const health = {
      up: { state: 'connected' as const },
      down: { state: 'reconnecting' as const, detail: 'connect ECONNREFUSED' },
    };
    const watch = watchBridges({ limitMs: 1_000, health: () => health, now: () => t, everyMs: 5 });
    t = 999;
    let result: unknown;
    void watch.down.then((r) => (result = r));
    t = 1_000;
    await eventually(() => result, { what: 'the down bridge reported' });
    expect(result).toEqual({
      network: 'down',
      downMs: 1_000,
      state: 'reconnecting',
      detail: 'connect ECONNREFUSED',
    });
    watch.stop();
  });
});
