/**
 * Web API rate limits as the docs ("Rate limits") describe them: each method has a tier limiting
 * calls per minute per workspace and app (Tier 1: 1+, Tier 2: 20+, Tier 3: 50+, Tier 4: 100+,
 * short bursts allowed), and `chat.postMessage` is special: about one message per second per
 * channel, with short bursts. Over the limit the answer is HTTP 429 with `Retry-After` (whole
 * seconds) and `{ok: false, error: 'ratelimited'}`. Modelled as token buckets; tests pass faster
 * or tighter ones.
 */

export interface Bucket {
  /** Tokens refilled per second. */
  readonly rate: number;
  /** Most tokens held (the burst). */
  readonly burst: number;
}

export const TIERS: Readonly<Record<1 | 2 | 3 | 4, Bucket>> = {
  1: { rate: 1 / 60, burst: 1 },
  2: { rate: 20 / 60, burst: 20 },
  3: { rate: 50 / 60, burst: 50 },
  4: { rate: 100 / 60, burst: 100 },
};

/** Tiers of the methods the fake serves, from each method's reference page. */
export const METHOD_TIERS: Readonly<Record<string, 1 | 2 | 3 | 4>> = {
  'auth.test': 4,
  'chat.update': 3,
  'chat.delete': 3,
  'reactions.add': 3,
  'reactions.remove': 2,
  'conversations.info': 3,
  'conversations.list': 2,
  'conversations.join': 3,
  'users.info': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'files.delete': 3,
  'apps.connections.open': 1,
};

/** chat.postMessage per channel: one a second after a short burst. */
export const POST_MESSAGE: Bucket = { rate: 1, burst: 4 };

export type Limits = (method: string) => Bucket;

export const defaultLimits: Limits = (method) =>
  method === 'chat.postMessage' ? POST_MESSAGE : TIERS[METHOD_TIERS[method] ?? 3];

interface State {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly stats = { limited: 0 };
  private readonly buckets = new Map<string, State>();

  constructor(private readonly limits: Limits) {}

  /** Seconds to wait (the `Retry-After` value) when the call is refused, else 0 after taking a token. */
  take(method: string, channel?: string): number {
    const limit = this.limits(method);
    const key = method === 'chat.postMessage' ? `${method}:${channel ?? ''}` : method;
    const now = Date.now();
    const state = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    state.tokens = Math.min(limit.burst, state.tokens + ((now - state.at) / 1000) * limit.rate);
    state.at = now;
    this.buckets.set(key, state);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return 0;
    }
    this.stats.limited += 1;
    return Math.max(1, Math.ceil((1 - state.tokens) / limit.rate));
  }
}
