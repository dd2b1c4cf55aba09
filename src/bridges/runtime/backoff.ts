/**
 * Retry delays: exponential with a cap and proportional jitter, so deliveries that failed
 * together (a network outage) do not all come back in the same millisecond.
 */

export interface BackoffOptions {
  /** Delay after the first failure. Default 1 s. */
  readonly baseMs: number;
  /** Largest delay. Default 5 min. */
  readonly maxMs: number;
  /** Fraction of the delay drawn at random, 0..1 (0.2 = ±20 %). Default 0.2. */
  readonly jitter: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.2 };

/**
 * Delay before attempt `failures + 1`, after `failures` (≥ 1) consecutive failures:
 * `base * 2^(failures-1)`, capped, then jittered by ±`jitter`. `random` returns [0, 1).
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const raw = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const spread = raw * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(raw + spread));
}
