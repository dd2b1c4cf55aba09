/**
 * Getting a connection while PostgreSQL restarts. A connect that fails never sent a statement,
 * so trying again cannot apply anything twice: for a bounded window the store waits for the
 * server instead of failing the call (the router would otherwise log and skip an event whose
 * fan-out hit a short restart, issue 23's pg-restart). Only failures a restart causes are
 * waited out; a wrong password or database fails at once.
 */
import type pg from 'pg';
import { StoreUnavailableError } from '../errors.js';

/** How long a call waits for PostgreSQL to come back before it fails as before. */
export const RIDE_OUT_MS = 30_000;

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
]);

/**
 * pg's own messages for a connection that died under a statement (no code): the socket closed
 * ("Connection terminated unexpectedly") or the client saw an error on it earlier.
 */
const TRANSIENT_MESSAGES = /Connection terminated|encountered a connection error/i;

/**
 * True for a failure a server restart or a lost connection causes, not a refusal of who we are
 * or of the statement (a constraint violation, a syntax error: those carry other SQLSTATEs).
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return TRANSIENT_CODES.has(code);
  return error instanceof Error && TRANSIENT_MESSAGES.test(error.message);
}

/** The error a caller sees: a transient failure as StoreUnavailableError, others unchanged. */
export function classified(error: unknown): unknown {
  return isTransient(error) ? new StoreUnavailableError(error) : error;
}

/** True when the client's connection may be dead: release it destroyed, not back to the pool. */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  // A statement the server refused carries its SQLSTATE; classes 08 and 57 end the connection.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return code.startsWith('08') || code.startsWith('57');
  return true;
}

/** `pool.connect()`, retried with backoff on transient failures for up to `windowMs`. */
export async function connectRidingOut(
  pool: pg.Pool,
  windowMs = RIDE_OUT_MS,
): Promise<pg.PoolClient> {
  const deadline = Date.now() + windowMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return await pool.connect();
    } catch (error) {
      if (!isTransient(error) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
