/**
 * The newest clock value in the store, read at start so new entries are later than every stored
 * one. A version that did not bound clocks may have stored a peer's poisoned value (TEXT in the
 * INTEGER column, a float such as 1e300, a counter at 2^53): adopting it would break every later
 * write, so such a store is refused with a StoredClockError naming the entries, and
 * `repairStoredClocks` (clock-repair.ts) is the way out.
 *
 * The check reads only the rows added since the last open: the row id checked up to and the
 * newest clock found are recorded in `meta` ('clock_checked'). This version never stores a value
 * out of range, so rows once found clean stay clean; only the bound moves, with the machine clock,
 * and when the newest recorded value is beyond it the whole table is scanned again.
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

/**
 * Rows whose clock columns are not integers in range (`now` + the hold bound at most), among
 * those with a row id above `afterRowid`. (`+author`: sorting by the (author, seq) index would
 * walk the whole index instead of the new rows.)
 */
export function findPoisonedClocks(db: Db, now: number, limit = -1, afterRowid = 0): PoisonedRow[] {
  return db
    .prepare(
      `SELECT id, author, seq, hlc_wall AS wall, hlc_counter AS counter FROM entries
       WHERE rowid > ? AND (typeof(hlc_wall) != 'integer' OR typeof(hlc_counter) != 'integer'
         OR hlc_wall < 0 OR hlc_wall > ? OR hlc_counter < 0 OR hlc_counter > ?)
       ORDER BY +author, +seq LIMIT ?`,
    )
    .all(afterRowid, now + MAX_HOLD_MS, MAX_COUNTER, limit) as PoisonedRow[];
}

/** The newest stored clock value; throws StoredClockError when any stored value is poisoned. */
export function newestStoredClock(db: Db, now: number): Hlc | undefined {
  const mark = readMark(db);
  // A recorded value beyond the bound (the machine clock went back): every row is checked again.
  const after =
    mark && mark.wall <= now + MAX_HOLD_MS && mark.counter <= MAX_COUNTER ? mark.rowid : 0;
  const poisoned = findPoisonedClocks(db, now, -1, after);
  if (poisoned.length > 0) throw poisonedError(poisoned);
  const added = db
    .prepare(
      `SELECT hlc_wall AS wall, hlc_counter AS counter FROM entries WHERE rowid > ?
       ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1`,
    )
    .get(after) as Hlc | undefined;
  const newest = after > 0 && mark && (!added || later(mark, added)) ? mark : added;
  const rowid = db.prepare('SELECT MAX(rowid) FROM entries').pluck().get() as number | null;
  if (newest && rowid !== null) {
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_checked', ?)").run(
      JSON.stringify({ rowid, wall: newest.wall, counter: newest.counter }),
    );
  }
  return newest && { wall: newest.wall, counter: newest.counter };
}

interface ClockMark extends Hlc {
  readonly rowid: number;
}

const later = (a: Hlc, b: Hlc) => a.wall > b.wall || (a.wall === b.wall && a.counter > b.counter);

/** The recorded check, or undefined when none or not in the form written here. */
function readMark(db: Db): ClockMark | undefined {
  const value = db.prepare("SELECT value FROM meta WHERE key = 'clock_checked'").pluck().get();
  if (typeof value !== 'string') return undefined;
  try {
    const mark = JSON.parse(value) as Partial<ClockMark>;
    const ok = [mark.rowid, mark.wall, mark.counter].every(
      (n) => Number.isSafeInteger(n) && (n as number) >= 0,
    );
    return ok ? (mark as ClockMark) : undefined;
  } catch {
    return undefined;
  }
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
