/**
 * Web API failures as the router understands them. The client is built with
 * `rejectRateLimitedCalls`, so a 429 is not waited out inside a send (which would hold the
 * router's worker) but comes back here with Slack's `Retry-After`, and the router pauses the
 * whole adapter that long. Slack errors that a later try can fix are transient; every other
 * `ok: false` answer is permanent, since a retry would send the same refused request.
 */
import { webApi } from '@slack/bolt';
import { DeliveryError } from '../errors.js';
import { SlackRateLimitedError, SlackRefusedError, SlackUnavailableError } from './errors.js';

const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

/** The Slack error string (`channel_not_found`) of a failed call, if it has one. */
export function slackError(error: unknown): string | undefined {
  if (isCoded(error) && error.code === webApi.ErrorCode.PlatformError) {
    const data = (error as { data?: { error?: unknown } }).data;
    return typeof data?.error === 'string' ? data.error : undefined;
  }
  return undefined;
}

export function toDeliveryError(error: unknown, method = 'a Web API call'): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (isCoded(error)) {
    switch (error.code) {
      case webApi.ErrorCode.RateLimitedError: {
        const seconds = (error as { retryAfter?: unknown }).retryAfter;
        return new SlackRateLimitedError(
          Math.max(1, typeof seconds === 'number' ? seconds : 1) * 1000,
          error,
        );
      }
      case webApi.ErrorCode.PlatformError: {
        const code = slackError(error) ?? 'unknown_error';
        return TRANSIENT.has(code)
          ? new SlackUnavailableError(`${method}: ${code}`, error)
          : new SlackRefusedError(method, code, error);
      }
      case webApi.ErrorCode.HTTPError: {
        const status = (error as { statusCode?: unknown }).statusCode;
        if (typeof status === 'number' && status < 500 && status !== 408) {
          return new SlackRefusedError(method, `http_${status}`, error);
        }
        return new SlackUnavailableError(`${method}: HTTP ${String(status)}`, error);
      }
      default:
        break;
    }
  }
  return new SlackUnavailableError(error instanceof Error ? error.message : String(error), error);
}

function isCoded(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
