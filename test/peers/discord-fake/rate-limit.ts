/**
 * Rate limits as the public docs ("Topics → Rate Limits") describe them: per-route buckets keyed
 * by the route template and its major parameter (channel, guild or webhook id), announced on every
 * answer with `X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`; a request over the limit is
 * refused with 429, `Retry-After` and `{message, retry_after, global}`. A global limit (50 per
 * second per bot by default) answers 429 with `global: true` and `X-RateLimit-Global`.
 * Tests can also force a "storm": the next N matching requests get a 429 whatever the bucket says.
 */
import { createHash } from 'node:crypto';

export interface BucketLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export interface StormSpec {
  /** How many matching requests get a 429. */
  readonly count: number;
  readonly retryAfterMs: number;
  readonly global?: boolean;
  /** Which requests; all when absent. */
  readonly match?: (method: string, path: string) => boolean;
}

export type Verdict =
  | { readonly ok: true; readonly headers: Record<string, string> }
  | {
      readonly ok: false;
      readonly headers: Record<string, string>;
      readonly body: Record<string, unknown>;
    };

interface Window {
  start: number;
  used: number;
}

export interface RateLimitStats {
  /** 429s answered because a bucket was exhausted (the client ignored the headers). */
  routeLimited: number;
  /** 429s answered because more than `globalPerSecond` arrived in one second. */
  globalLimited: number;
  /** 429s answered because of a forced storm. */
  stormed: number;
  /** Most requests seen in one global window. */
  maxPerGlobalWindow: number;
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

export class RateLimits {
  readonly stats: RateLimitStats = {
    routeLimited: 0,
    globalLimited: 0,
    stormed: 0,
    maxPerGlobalWindow: 0,
  };
  private readonly buckets = new Map<string, Window>();
  private readonly storms: { left: number; spec: StormSpec }[] = [];
  private global: Window = { start: 0, used: 0 };

  constructor(
    private readonly limitFor: (template: string) => BucketLimit,
    private readonly globalPerSecond: number,
  ) {}

  storm(spec: StormSpec): void {
    this.storms.push({ left: spec.count, spec });
  }

  /** Counts one request and says whether it may proceed, with the headers to answer. */
  check(method: string, path: string, template: string, major: string, now: number): Verdict {
    const forced = this.storms.find((s) => s.left > 0 && (s.spec.match?.(method, path) ?? true));
    if (forced) {
      forced.left--;
      this.stats.stormed++;
      return refuse(forced.spec.retryAfterMs, forced.spec.global ?? false, {});
    }
    if (now - this.global.start >= 1000) this.global = { start: now, used: 0 };
    if (this.global.used >= this.globalPerSecond) {
      this.stats.globalLimited++;
      return refuse(this.global.start + 1000 - now, true, {});
    }
    this.global.used++;
    this.stats.maxPerGlobalWindow = Math.max(this.stats.maxPerGlobalWindow, this.global.used);

    const { limit, windowMs } = this.limitFor(template);
    const key = `${method} ${template} ${major}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now - bucket.start >= windowMs) {
      bucket = { start: now, used: 0 };
      this.buckets.set(key, bucket);
    }
    const resetAfter = bucket.start + windowMs - now;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Reset': secs(bucket.start + windowMs),
      'X-RateLimit-Reset-After': secs(resetAfter),
      'X-RateLimit-Bucket': createHash('sha1')
        .update(`${method} ${template}`)
        .digest('hex')
        .slice(0, 16),
    };
    if (bucket.used >= limit) {
      this.stats.routeLimited++;
      return refuse(resetAfter, false, { ...headers, 'X-RateLimit-Remaining': '0' });
    }
    bucket.used++;
    return {
      ok: true,
      headers: { ...headers, 'X-RateLimit-Remaining': String(limit - bucket.used) },
    };
  }
}

function refuse(retryAfterMs: number, global: boolean, headers: Record<string, string>): Verdict {
  const wait = Math.max(1, retryAfterMs);
  return {
    ok: false,
    headers: {
      ...headers,
      'Retry-After': secs(wait),
      'X-RateLimit-Scope': global ? 'global' : 'user',
      ...(global && { 'X-RateLimit-Global': 'true' }),
    },
    body: { message: 'You are being rate limited.', retry_after: wait / 1000, global },
  };
}
