import { describe, expect, it } from 'vitest';
import {
  AdapterLoadError,
  bridgeRegistry,
  createBridgeRegistry,
  loadBridge,
  UnknownNetworkError,
} from '../../../src/bridges/index.js';
import { InvalidLinkTargetError } from '../../../src/bridges/errors.js';
import { supportsEdits, supportsReactions } from '../../../src/bridges/runtime/guards.js';
import { backoffDelay } from '../../../src/bridges/runtime/backoff.js';
import { RateLimiter } from '../../../src/bridges/runtime/rate-limiter.js';
import { TestNetwork, createTestAdapter } from '../../support/test-adapter.js';
import { VirtualClock } from './harness.js';

const components = {
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  emit: async () => {},
  reportHealth: () => undefined,
  clock: { now: () => 0 },
};

describe('bridge registry', () => {
  it('knows the four networks and names them when asked for another', async () => {
    expect(bridgeRegistry.knownNetworks().sort()).toEqual(['discord', 'irc', 'matrix', 'slack']);
    await expect(loadBridge('icq')).rejects.toThrow(UnknownNetworkError);
    await expect(loadBridge('icq')).rejects.toThrow(/known networks: irc, matrix, discord, slack/);
  });

  it('loads lazily and reports a missing or broken adapter module clearly', async () => {
    let loads = 0;
    const registry = createBridgeRegistry({
      good: async () => {
        loads++;
        return {
          createAdapter: () => createTestAdapter({ name: 'good', network: new TestNetwork() }),
        };
      },
      missing: () => import('./no-such-adapter.js' as string),
      empty: async () => ({}),
      odd: async () => ({ createAdapter: () => undefined, targetSchema: { room: 'string' } }),
    });
    expect(loads).toBe(0);
    const module = await registry.load('good');
    expect(loads).toBe(1);
    expect(module.createAdapter({}, 'good' as never)(components).name).toBe('good');
    await expect(registry.load('missing')).rejects.toThrow(AdapterLoadError);
    await expect(registry.load('missing')).rejects.toThrow(
      /the missing bridge adapter could not be loaded/,
    );
    await expect(registry.load('empty')).rejects.toThrow(/does not export createAdapter/);
    await expect(registry.load('odd')).rejects.toThrow(/its targetSchema is not a schema/);
  });

  it('each built-in module declares its link target shape, refusing a target naming the field', async () => {
    const examples: Record<string, [good: object, missing: string]> = {
      irc: [{ network: 'libera', channel: '#proj' }, 'target.network'],
      matrix: [{ room: '#proj:example.org' }, 'target.room'],
      discord: [{ channel: '123456789012345678' }, 'target.channel'],
      slack: [{ channel: '#general' }, 'target.channel'],
    };
    for (const network of bridgeRegistry.knownNetworks()) {
      const schema = (await loadBridge(network)).targetSchema;
      const [good, field] = examples[network] ?? [{}, ''];
      expect(schema?.safeParse(good).success, network).toBe(true);
      const bad = schema?.safeParse({});
      expect(bad?.success, network).toBe(false);
      expect(InvalidLinkTargetError.of(bad?.error?.issues ?? []).field, network).toBe(field);
    }
  });
});

describe('optional interfaces', () => {
  it('need both the capability and the method', () => {
    const full = createTestAdapter({ name: 't', network: new TestNetwork() })(components);
    expect(supportsEdits(full)).toBe(true);
    const declined = createTestAdapter({
      name: 't',
      network: new TestNetwork(),
      capabilities: { edits: false },
    })(components);
    expect(supportsEdits(declined)).toBe(false);
    const { react: _react, ...noMethod } = full;
    expect(supportsReactions(noMethod as typeof full)).toBe(false);
  });
});

describe('backoff and rate limiter', () => {
  it('doubles the delay up to the cap, with bounded jitter', () => {
    const opts = { baseMs: 100, maxMs: 1_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    const jittered = backoffDelay(3, { ...opts, jitter: 0.5 }, () => 0.999);
    expect(jittered).toBeGreaterThan(400);
    expect(jittered).toBeLessThanOrEqual(600);
  });

  it('lets a burst through, then spaces actions at the declared rate; a pause holds everything', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ messagesPerSecond: 4, burst: 2 }, clock.now, clock.sleep);
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      times.push(clock.now() - start);
    }
    expect(times).toEqual([0, 0, 250, 500, 750]);
    limiter.pause(10_000);
    await limiter.acquire();
    expect(clock.now() - start).toBe(10_750);
  });
});
