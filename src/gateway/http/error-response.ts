import {
  ConflictError,
  IntentRejectedError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../core/errors.js';
import { BlobTamperedError } from '../../core/e2ee/errors.js';
import { StoreUnavailableError } from '../../mapping/index.js';
import { HTTPException } from 'hono/http-exception';
import { HttpError, MethodNotAllowedError, RateLimitedError } from './errors.js';

/** The one error shape of the API: `{"error":{"code","message"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True for failures the client did not cause (logged as errors, message hidden). */
  readonly internal: boolean;
}

/** Seconds a client waits before it tries a route of the mapping store again. */
export const STORE_RETRY_AFTER_S = 5;
const STORE_UNAVAILABLE_MESSAGE =
  'the mapping store (links, outbox, identities) is unavailable; retry after the seconds in Retry-After';

function body(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * Maps any thrown value to the API's error response: the core's named errors and the HTTP
 * layer's own; anything else is a 500 whose details stay in the log.
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  const plain = (status: number, code: string, message: string): ErrorResponse => ({
    status,
    body: body(code, message),
    headers: {},
    internal: false,
  });
  if (err instanceof RateLimitedError) {
    return {
      ...plain(429, err.code, err.message),
      headers: { 'Retry-After': String(err.retryAfterSeconds) },
    };
  }
  // The mapping store (links, outbox, identities) is down or restarting: the request is fine
  // and will work once it is back. The store's own message stays in the log (it names the host).
  if (err instanceof StoreUnavailableError) {
    return {
      ...plain(503, 'store_unavailable', STORE_UNAVAILABLE_MESSAGE),
      headers: { 'Retry-After': String(STORE_RETRY_AFTER_S) },
    };
  }
  if (err instanceof MethodNotAllowedError) {
    return { ...plain(405, err.code, err.message), headers: { Allow: err.allow.join(', ') } };
  }
  if (err instanceof HttpError) return plain(err.status, err.code, err.message);
  if (err instanceof ValidationError) {
    const message = err.message.includes(err.field) ? err.message : `${err.field}: ${err.message}`;
    return plain(400, err.code, message);
  }
  if (err instanceof IntentRejectedError) {
    const tag = `rule: ${err.rule}`;
    const message = err.message.includes(tag) ? err.message : `${err.message} (${tag})`;
    return plain(403, err.code, message);
  }
  if (err instanceof NotFoundError) return plain(404, err.code, err.message);
  // Bytes from the network that do not open with their message's key: not the client's fault.
  if (err instanceof BlobTamperedError) return plain(502, err.code, err.message);
  if (err instanceof ConflictError) return plain(409, err.code, err.message);
  if (err instanceof PayloadTooLargeError) return plain(413, err.code, err.message);
  // hono's own middleware signals client errors this way; keep their status, in our shape.
  if (err instanceof HTTPException && err.status < 500) {
    return plain(err.status, 'invalid_request', err.message || 'bad request');
  }
  return { status: 500, body: body('internal', 'internal error'), headers: {}, internal: true };
}
