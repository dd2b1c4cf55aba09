import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerToken } from './auth.js';
import type { AppEnv } from './context.js';
import { RateLimitedError } from './errors.js';

export interface RateLimitOptions {
  /** Tokens refilled per second. */
  readonly perSecond: number;
  /** Bucket size: how many requests may come at once. */
  readonly burst: number;
  /** ms clock; injectable for tests. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per caller. Returns 0 when the request may pass, else the seconds to wait.
 * Keys are hashes of the bearer token so the map never holds a secret; full buckets are pruned.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  take(key: string): number {
    const now = this.now();
    const { perSecond, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  private prune(now: number): void {
    const { perSecond, burst } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    }
  }
}

/** Refuses with 429 + Retry-After once a caller's bucket is empty; anonymous calls share one. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const buckets = new TokenBuckets(options);
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const key =
      token === undefined ? 'anonymous' : createHash('sha256').update(token).digest('hex');
    const wait = buckets.take(key);
    if (wait > 0) throw new RateLimitedError(wait);
    await next();
  };
}
