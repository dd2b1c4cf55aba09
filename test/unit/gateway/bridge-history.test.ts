import { describe, expect, it } from 'vitest';
import { BridgeHistory } from '../../../src/gateway/http/bridge-history.js';
import type { BridgeHealth } from '../../../src/gateway/status.js';

describe('BridgeHistory', () => {
  it('keeps each change of state or detail once, newest first, bounded', () => {
    let health: Record<string, BridgeHealth> = { discord: { state: 'starting' } };
    let now = Date.parse('2026-12-07T08:00:00Z');
    const history = new BridgeHistory(
      () => health,
      3,
      () => now,
    );
    history.sample();
    history.sample(); // no change: nothing new
    now += 1000;
    health = { discord: { state: 'reconnecting', detail: 'connect ECONNREFUSED' } };
    history.sample();
    now += 1000;
    health = {
      discord: { state: 'connected' },
      slack: { state: 'failed', detail: 'invalid_auth' },
    };
    const snap = history.snapshot();
    expect(snap['discord']).toEqual([
      { state: 'connected', at: '2026-12-07T08:00:02.000Z' },
      { state: 'reconnecting', detail: 'connect ECONNREFUSED', at: '2026-12-07T08:00:01.000Z' },
      { state: 'starting', at: '2026-12-07T08:00:00.000Z' },
    ]);
    expect(snap['slack']).toEqual([
      { state: 'failed', detail: 'invalid_auth', at: '2026-12-07T08:00:02.000Z' },
    ]);
    health = { discord: { state: 'reconnecting', detail: 'socket closed' } };
    expect(history.snapshot()['discord']?.map((c) => c.state)).toEqual([
      'reconnecting',
      'connected',
      'reconnecting',
    ]);
  });
});
