import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../../src/gateway/http/rate-limit.js';

describe('token buckets', () => {
  it('lets a burst through, then asks to wait, then refills', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    // Another caller has its own bucket.
    expect(buckets.take('b')).toBe(0);
    now += 500; // one token back at 2/s
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThanOrEqual(1);
  });

  it('Retry-After grows when the refill is slow', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 0.1, burst: 1, now: () => now });
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
    now += 5_000;
    expect(buckets.take('a')).toBe(5);
  });
});
