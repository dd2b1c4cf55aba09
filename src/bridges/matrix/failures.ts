/**
 * Turns what the Matrix libraries throw into the contract's `DeliveryError`, so the router can
 * tell a refusal that will not change (403, 404) from an outage worth retrying.
 */
import { DeliveryError, RateLimitedError } from '../errors.js';

interface LibraryMatrixError {
  readonly statusCode: number;
  readonly errcode?: string;
  readonly retryAfterMs?: number;
  readonly message: string;
}

function isLibraryMatrixError(error: unknown): error is LibraryMatrixError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as LibraryMatrixError).statusCode === 'number'
  );
}

/** A DeliveryError for any thrown value (DeliveryErrors pass through). */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (isLibraryMatrixError(error)) {
    if (error.statusCode === 429) return new RateLimitedError(error.retryAfterMs ?? 1_000);
    const permanent = error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 408;
    return new DeliveryError(
      `homeserver answered ${error.statusCode} ${error.errcode ?? ''}: ${error.message}`,
      { permanent, cause: error },
    );
  }
  return new DeliveryError(error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** True when the error says the homeserver is not reachable (as opposed to refusing). */
export function isOutage(error: DeliveryError): boolean {
  if (error.permanent || error.retryAfterMs !== undefined) return false;
  return !/homeserver answered/.test(error.message);
}
