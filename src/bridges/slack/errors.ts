/**
 * Errors of the Slack adapter, one class per condition. Delivery failures extend the bridge
 * layer's `DeliveryError`, so the router reads `permanent` and `retryAfterMs` from them.
 */
import { DeliveryError } from '../errors.js';

/** The `bridges.slack` section is missing a field or has one of the wrong type. */
export class SlackConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`bridges.slack.${key}: ${message}`);
    this.name = 'SlackConfigError';
  }
}

/** A link target that is not a Slack channel (`{channel: 'C0123ABCD'}` or `#name`), or is unknown. */
export class SlackTargetError extends DeliveryError {
  constructor(message: string, cause?: unknown) {
    super(message, { permanent: true, cause });
    this.name = 'SlackTargetError';
  }
}

/** Slack answered `ok: false` with an error a retry cannot fix (`channel_not_found`, `missing_scope`…). */
export class SlackRefusedError extends DeliveryError {
  constructor(
    readonly method: string,
    readonly slackError: string,
    cause?: unknown,
  ) {
    super(`Slack refused ${method}: ${slackError}`, { permanent: true, cause });
    this.name = 'SlackRefusedError';
  }
}

/** HTTP 429 from the Web API: the router pauses the adapter for `Retry-After`. */
export class SlackRateLimitedError extends DeliveryError {
  constructor(retryAfterMs: number, cause?: unknown) {
    super(`Slack rate limit; retry after ${retryAfterMs} ms`, { retryAfterMs, cause });
    this.name = 'SlackRateLimitedError';
  }
}

/** A network failure, a 5xx or a transient Slack error (`internal_error`): worth retrying. */
export class SlackUnavailableError extends DeliveryError {
  constructor(message: string, cause?: unknown) {
    super(`Slack unavailable: ${message}`, { cause });
    this.name = 'SlackUnavailableError';
  }
}

/**
 * An attachment could not be fetched from its URL: refused by the fetch policy (an internal
 * address), larger than `maxAttachmentBytes`, gone or unreachable. `cause` is the fetch
 * module's typed error (BlockedAddressError, TooLargeError…).
 */
export class AttachmentFetchError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`attachment ${url}: ${reason}`, { cause });
    this.name = 'AttachmentFetchError';
  }
}
