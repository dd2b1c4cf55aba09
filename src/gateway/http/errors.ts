/**
 * Errors the HTTP layer raises itself (the core's errors cover the rest). Each carries its
 * status and error code; `toErrorResponse` turns any of them into the JSON error body.
 */
export abstract class HttpError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 429;
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No bearer token, or one that is neither the admin token nor a user's. */
export class UnauthorizedError extends HttpError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

/** The caller is authenticated but this route refuses it; `rule` says which rule refused. */
export class ForbiddenError extends HttpError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(`${message} (rule: ${rule})`);
  }
}

/** No route matches the method and path. */
export class RouteNotFoundError extends HttpError {
  readonly status = 404;
  readonly code = 'not_found';
}

/** Account linking needs the bridge runtime, and this app was built without it. */
export class AccountLinkingOffError extends HttpError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor() {
    super('account linking is not available: this gateway runs without its bridge runtime');
  }
}

/** The path exists but not with this method; `allow` lists the methods it takes. */
export class MethodNotAllowedError extends HttpError {
  readonly status = 405;
  readonly code = 'method_not_allowed';
  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super(`${method} is not allowed on ${path}; allowed: ${allow.join(', ')}`);
  }
}

/** The body is not JSON, or not an object. */
export class BadJsonError extends HttpError {
  readonly status = 400;
  readonly code = 'invalid_request';
}

/** The request body exceeds the configured limit. */
export class BodyTooLargeError extends HttpError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** The token used up its request budget; retry after `retryAfterSeconds`. */
export class RateLimitedError extends HttpError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; retry after ${retryAfterSeconds} s`);
  }
}

/** The token already holds the most event streams allowed (`http.maxStreamsPerToken`). */
export class TooManyStreamsError extends HttpError {
  readonly status = 429;
  readonly code = 'too_many_streams';
  constructor(readonly limit: number) {
    super(
      `this token already has ${limit} open event streams (http.maxStreamsPerToken); ` +
        'close one before opening another',
    );
  }
}
