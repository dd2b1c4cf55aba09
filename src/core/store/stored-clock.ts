/**
 * The newest clock value in the store, read at start so new entries are later than every stored
 * one. A version that did not bound clocks may have stored a peer's poisoned value (TEXT in the
 * INTEGER column, a float such as 1e300, a counter at 2^53): adopting it would break every later
 * write, so such a store is refused with a StoredClockError naming the entries, and
 * `repairStoredClocks` (clock-repair.ts) is the way out.
 */
import { StoredClockError } from '../errors.js';
import { showValue, MAX_COUNTER, MAX_HOLD_MS } from '../hlc.js';
import type { Hlc } from '../types.js';
import type { Db } from './database.js';

/** Poisoned rows named in the error, at most. */
const SHOWN = 5;

export interface PoisonedRow {
  readonly id: string;
  readonly author: string;
  readonly seq: number;
  readonly wall: unknown;
  readonly counter: unknown;
}

/** Rows whose clock columns are not integers in range (`now` + the hold bound at most). */
export function findPoisonedClocks(db: Db, now: number, limit = -1): PoisonedRow[] {
  return db
    .prepare(
      `SELECT id, author, seq, hlc_wall AS wall, hlc_counter AS counter FROM entries
       WHERE typeof(hlc_wall) != 'integer' OR typeof(hlc_counter) != 'integer'
         OR hlc_wall < 0 OR hlc_wall > ? OR hlc_counter < 0 OR hlc_counter > ?
       ORDER BY author, seq LIMIT ?`,
    )
    .all(now + MAX_HOLD_MS, MAX_COUNTER, limit) as PoisonedRow[];
}

/** The newest stored clock value; throws StoredClockError when any stored value is poisoned. */
export function newestStoredClock(db: Db, now: number): Hlc | undefined {
  const poisoned = findPoisonedClocks(db, now);
  if (poisoned.length > 0) throw poisonedError(poisoned);
  return db
    .prepare(
      'SELECT hlc_wall AS wall, hlc_counter AS counter FROM entries ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1',
    )
    .get() as Hlc | undefined;
}

function poisonedError(rows: readonly PoisonedRow[]): StoredClockError {
  const named = rows
    .slice(0, SHOWN)
    .map(
      (r) =>
        `entry ${r.id} (seq ${r.seq} of ${r.author}): wall ${showValue(r.wall)}, counter ${showValue(r.counter)}`,
    )
    .join('; ');
  const more = rows.length > SHOWN ? ` and ${rows.length - SHOWN} more` : '';
  return new StoredClockError(
    rows,
    `the store holds ${rows.length} entries with a clock value out of range (written before ` +
      `clocks were bounded): ${named}${more}. Repair: stop the node and start it once with ` +
      `MULTICHAT_REPAIR_CLOCKS=1 in the environment (or the node option repairStoredClocks); it ` +
      `rebuilds the store without these entries and keeps the old file beside it as ` +
      `multichat.db.poisoned-<time>`,
  );
}
