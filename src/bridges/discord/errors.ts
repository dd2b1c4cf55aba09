/**
 * Errors of the Discord adapter, one class per condition. Delivery failures extend the bridge
 * layer's `DeliveryError` so the router reads `permanent` and `retryAfterMs` from them.
 */
import { DeliveryError } from '../errors.js';

/** The `bridges.discord` section is missing a field or has one of the wrong type. */
export class DiscordConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`bridges.discord.${key}: ${message}`);
    this.name = 'DiscordConfigError';
  }
}

/** A link target that is not a Discord channel (`{channel: '<snowflake>'}`), or is unknown. */
export class DiscordTargetError extends DeliveryError {
  constructor(message: string, cause?: unknown) {
    super(message, { permanent: true, cause });
    this.name = 'DiscordTargetError';
  }
}

/** A `:name:` reaction for which the guild has no custom emoji of that name. */
export class UnknownEmojiError extends DeliveryError {
  constructor(readonly emoji: string) {
    super(`no custom emoji ${emoji} in this Discord server`, { permanent: true });
    this.name = 'UnknownEmojiError';
  }
}

/** Discord refused the request for good (bad form, missing permission, unknown resource). */
export class DiscordRefusedError extends DeliveryError {
  constructor(
    readonly status: number,
    readonly discordCode: number | string,
    message: string,
    cause: unknown,
  ) {
    super(`Discord refused (${status}, code ${discordCode}): ${message}`, {
      permanent: true,
      cause,
    });
    this.name = 'DiscordRefusedError';
  }
}

/** Discord asked us to wait longer than the adapter waits in place (`maxRateLimitWaitMs`). */
export class DiscordRateLimitedError extends DeliveryError {
  constructor(retryAfterMs: number, route: string, cause: unknown) {
    super(`Discord rate limit on ${route}; retry after ${retryAfterMs} ms`, {
      retryAfterMs,
      cause,
    });
    this.name = 'DiscordRateLimitedError';
  }
}

/** A network failure or a 5xx: worth retrying later. */
export class DiscordUnavailableError extends DeliveryError {
  constructor(message: string, cause: unknown) {
    super(`Discord unavailable: ${message}`, { cause });
    this.name = 'DiscordUnavailableError';
  }
}

/** A file to send is larger than `maxAttachmentBytes`: it goes as a link instead of an upload. */
export class DiscordFileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${file} is larger than the Discord upload limit of ${maxBytes} bytes`);
    this.name = 'DiscordFileTooLargeError';
  }
}

/** The bytes of a file to send could not be read: it goes as a link instead of an upload. */
export class DiscordFileReadError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `cannot read ${file} for upload: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'DiscordFileReadError';
  }
}

/**
 * The bot may not read a channel's history (no View Channel / Read Message History, 403), or
 * the channel does not exist (404): backfill and import name the channel and stop.
 */
export class DiscordHistoryAccessError extends DeliveryError {
  constructor(
    readonly channel: string,
    readonly status: number,
    cause: unknown,
  ) {
    super(
      status === 404
        ? `Discord channel ${channel} does not exist or the bot is not in its server`
        : `the Discord bot may not read the history of channel ${channel}: it needs View Channel and Read Message History there (${status})`,
      { permanent: true, cause },
    );
    this.name = 'DiscordHistoryAccessError';
  }
}
