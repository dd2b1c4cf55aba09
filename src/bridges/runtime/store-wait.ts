/**
 * Waiting out a mapping store that is down (a PostgreSQL restart) instead of losing the work:
 * an inbound line, a fan-out enqueue, a delivery's settlement. The store reports such a failure
 * as StoreUnavailableError (src/mapping/errors.ts); the call is tried again with backoff until
 * it works, for as long as the outage lasts, while the caller's queue (one per target inbound,
 * one chain for the fan-out) holds what comes after it, so order is kept. Any other error (a
 * refused statement) goes to the caller at once: trying again would not change it.
 *
 * Only idempotent calls go through here: a write whose connection died may have been applied,
 * and it will be applied again (reads; upserts; puts and enqueues keyed by their ids). The core
 * is never written from inside a retried call, so nothing is stored twice there.
 */
import { StoreUnavailableError } from '../../mapping/index.js';
import { describe } from '../errors.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { RuntimeContext } from './context.js';

/** Short first waits (a restart takes seconds), capped low so a stop is not held long. */
const STORE_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 2_000, jitter: 0.2 };

/** A warning on the first failure and then every this many, not one per retry. */
const WARN_EVERY = 15;

/**
 * `call()`, tried again while the store is unavailable. Gives up (throws the store's error)
 * only when the runtime stops, so a stop is not held by an outage.
 */
export async function untilStored<T>(
  ctx: Pick<RuntimeContext, 'logger' | 'options' | 'stopping'>,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || ctx.stopping?.() === true) throw error;
      const wait = backoffDelay(failures, STORE_BACKOFF, ctx.options.random);
      if (failures % WARN_EVERY === 1) {
        ctx.logger.warn(
          { err: describe(error), what, failures, waitMs: wait },
          'mapping store unavailable: waiting for it',
        );
      }
      // A real timer, not ctx.sleep: tests move a virtual clock with that one, and this wait is
      // for a server, not for a rate limit.
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
