/**
 * Rate limits and failures of Discord's REST API, on top of discord.js's own handling.
 * discord.js (`@discordjs/rest`) already queues requests per route bucket from the
 * `X-RateLimit-*` headers, waits out 429s (`retry_after`) and keeps every request under the
 * global limit (`globalRequestsPerSecond`, 50 by default: Discord's global limit per bot).
 * The adapter lets it wait in place for short limits, which keeps a channel's order, and asks
 * it to give up (`rejectOnRateLimit`) only when the wait is longer than `maxRateLimitWaitMs`;
 * that refusal becomes a `DeliveryError` with `retryAfterMs`, so the router pauses the adapter.
 */
import {
  DiscordAPIError,
  HTTPError,
  RateLimitError,
  type RateLimitData,
  type RESTOptions,
} from 'discord.js';
import { DeliveryError } from '../errors.js';
import { DiscordRateLimitedError, DiscordRefusedError, DiscordUnavailableError } from './errors.js';

/** Discord's global request limit per bot token. */
export const GLOBAL_REQUESTS_PER_SECOND = 50;

/** REST options for the discord.js client. */
export function restOptions(apiUrl: string, maxWaitMs: number): Partial<RESTOptions> {
  return {
    api: apiUrl,
    globalRequestsPerSecond: GLOBAL_REQUESTS_PER_SECOND,
    retries: 3,
    timeout: 15_000,
    rejectOnRateLimit: (data: RateLimitData) =>
      Math.max(data.retryAfter, data.timeToReset) > maxWaitMs,
  };
}

/** JSON error codes after which the cached webhook is gone (deleted by a moderator). */
export const UNKNOWN_WEBHOOK = 10015;
export const UNKNOWN_MESSAGE = 10008;
export const UNKNOWN_CHANNEL = 10003;
export const MISSING_PERMISSIONS = 50013;

/** The Discord JSON error code of a REST failure, if it has one. */
export function apiCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number'
    ? error.code
    : undefined;
}

/**
 * A thrown REST failure as the router understands it: 429 beyond our patience → retry after the
 * wait Discord announced; 5xx and network failures → transient; 4xx → permanent (a retry sends
 * the same refused request), except 408 (timeout) and 409 (conflict), which are worth retrying.
 */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    return new DiscordRateLimitedError(
      Math.ceil(Math.max(error.retryAfter, error.timeToReset)),
      error.route,
      error,
    );
  }
  if (error instanceof DiscordAPIError) {
    if (error.status >= 500 || error.status === 408 || error.status === 409) {
      return new DiscordUnavailableError(`${error.status} ${error.message}`, error);
    }
    return new DiscordRefusedError(error.status, error.code, error.message, error);
  }
  if (error instanceof HTTPError)
    return new DiscordUnavailableError(`${error.status} ${error.message}`, error);
  return new DiscordUnavailableError(error instanceof Error ? error.message : String(error), error);
}
