/**
 * The one polling helper of the test suite: waits for something that happens asynchronously
 * (a message on a fake, a peer connecting, a port opening) without a fixed sleep.
 */

/** A probe's answer: `undefined` or `false` mean "not yet"; anything else is the result. */
type Pending = undefined | false;

export interface EventuallyOptions {
  /** What is awaited, in words; the timeout error names it. */
  what: string;
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between two probes (default 50 ms). */
  intervalMs?: number;
}

/** Thrown when the probe never gave a result in time; names what was awaited and the last answer. */
export class EventuallyTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: unknown,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${describe(last)}`);
    this.name = 'EventuallyTimeoutError';
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `threw ${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Calls `probe` until it returns (or resolves to) something other than `undefined`/`false`, and
 * returns that. A probe that throws counts as "not yet" (a server that is still starting); the
 * last value or error is kept for the timeout message. The probe always runs at least once.
 */
export async function eventually<T>(
  probe: () => T | Pending | Promise<T | Pending>,
  options: EventuallyOptions,
): Promise<Exclude<T, Pending>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last !== undefined && last !== false) return last as Exclude<T, Pending>;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) throw new EventuallyTimeoutError(options.what, timeoutMs, last);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
