/**
 * Why a Discord start failed, in the operator's words. discord.js's `login` clears the token when
 * it gives up, so an unreachable API surfaces as "Expected token to be set"; the start therefore
 * asks `GET /gateway/bot` itself first and keeps that answer's cause (`connect ECONNREFUSED
 * 127.0.0.1:PORT`, `HTTP 503`). Only a refused token (HTTP 401, gateway close 4004, discord.js
 * `TokenInvalid`) is `refused`: the supervisor stops retrying then, anything else is transient.
 */
import type { REST } from 'discord.js';
import { Routes } from 'discord.js';

export interface StartFailure {
  /** The network refused the bot token: retrying cannot help. */
  readonly refused: boolean;
  readonly detail: string;
}

/** Asks the API for the gateway as login would; throws what went wrong, cause included. */
export async function probeGateway(rest: REST, token: string): Promise<void> {
  rest.setToken(token);
  await rest.get(Routes.gatewayBot());
}

export function startFailure(error: unknown): StartFailure {
  const status = (error as { status?: unknown }).status;
  const code = (error as { code?: unknown }).code;
  if (status === 401 || code === 'TokenInvalid' || code === 4004) {
    return { refused: true, detail: `Discord refused the bot token (${describeError(error)})` };
  }
  return { refused: false, detail: describeError(error) };
}

/** The deepest useful message: undici's "fetch failed" hides the socket error in `cause`. */
function describeError(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const cause: unknown = current.cause;
    if (cause instanceof Error && cause.message) message = cause.message;
    else if (cause instanceof AggregateError) message = cause.errors.map(String).join('; ');
    current = cause;
  }
  if (typeof (error as { status?: unknown }).status === 'number' && !/\b\d{3}\b/.test(message)) {
    return `HTTP ${String((error as { status: number }).status)}: ${message}`;
  }
  return message;
}
