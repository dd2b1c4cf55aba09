/**
 * Why a Slack start failed, and whether retrying can help. Only Slack's answers that it refuses
 * the token itself are `refused` (the supervisor then stops retrying and the bridge reads
 * `failed`); an unreachable API, a 5xx, a socket URL that does not answer are transient and read
 * `reconnecting` with their cause.
 */
import { slackError } from './failures.js';

/** Slack error codes that mean "this token will never work" (auth.test, apps.connections.open). */
const REFUSED_TOKEN = [
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
];

export interface StartFailure {
  readonly refused: boolean;
  readonly detail: string;
}

export function startFailure(error: unknown, step: string): StartFailure {
  const code = slackError(error);
  const message = deepMessage(error);
  const refused =
    (code !== undefined && REFUSED_TOKEN.includes(code)) ||
    REFUSED_TOKEN.some((c) => message.includes(c));
  return {
    refused,
    detail: refused
      ? `${step}: Slack refused the token (${code ?? message})`
      : `${step}: ${message}`,
  };
}

/** undici's "fetch failed" and axios wrap the socket error (`connect ECONNREFUSED …`) in `cause`. */
function deepMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const cause: unknown =
      (current as { cause?: unknown }).cause ?? (current as { original?: unknown }).original;
    if (cause instanceof Error && cause.message) message = cause.message;
    current = cause;
  }
  return message;
}
