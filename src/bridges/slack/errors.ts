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
 * A Slack file offers no bytes to fetch: deleted (`tombstone`), hidden by the workspace's plan
 * (`hidden_by_limit`), or without a `url_private`. The router then carries its permalink.
 */
export class SlackFileUnavailableError extends Error {
  constructor(
    readonly fileId: string,
    reason: string,
  ) {
    super(`Slack file ${fileId}: ${reason}`);
    this.name = 'SlackFileUnavailableError';
  }
}

/**
 * A file URL that is not on Slack's own file host (an external file such as a Google Drive
 * link): the bot token is never sent there, so it is not fetched at all.
 */
export class SlackFileOriginError extends Error {
  constructor(
    readonly fileId: string,
    readonly url: string,
  ) {
    super(
      `Slack file ${fileId}: ${url} is not on Slack's file host; the bot token is not sent there`,
    );
    this.name = 'SlackFileOriginError';
  }
}

/**
 * Slack answered a file download with its sign-in page instead of the file: the token lacks
 * `files:read`, or the bot cannot see the file. Never stored as if it were the file.
 */
export class SlackFileSignInError extends Error {
  constructor(readonly fileId: string) {
    super(
      `Slack file ${fileId}: Slack answered with a sign-in page (is the files:read scope granted?)`,
    );
    this.name = 'SlackFileSignInError';
  }
}

/** An outbound file larger than `maxAttachmentBytes`: it travels as its link instead. */
export class SlackFileTooLargeError extends Error {
  constructor(
    readonly fileName: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${fileName}: ${size} bytes is over maxAttachmentBytes (${maxBytes})`);
    this.name = 'SlackFileTooLargeError';
  }
}

/**
 * The bytes of an outbound file did not reach the `upload_url`: reading them failed, the
 * upload URL refused them, or fewer/more bytes came than announced to getUploadURLExternal.
 */
export class SlackUploadError extends Error {
  constructor(
    readonly fileName: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`upload of ${fileName}: ${reason}`, { cause });
    this.name = 'SlackUploadError';
  }
}

/**
 * The app may not read a channel's history: no `channels:history`/`groups:history` scope
 * (`missing_scope`), not a member (`not_in_channel`), or no such channel.
 */
export class SlackHistoryAccessError extends DeliveryError {
  constructor(
    readonly channel: string,
    readonly slackError: string,
    cause: unknown,
  ) {
    super(
      slackError === 'missing_scope'
        ? `the Slack app may not read the history of ${channel}: add the channels:history and groups:history scopes and reinstall`
        : slackError === 'not_in_channel'
          ? `the Slack app is not in channel ${channel}: invite it to read the history`
          : `Slack channel ${channel} does not exist or the app cannot see it (${slackError})`,
      { permanent: true, cause },
    );
    this.name = 'SlackHistoryAccessError';
  }
}
