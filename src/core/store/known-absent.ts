/**
 * Ids known to be absent from a hash-keyed table for the span of one bulk write. A catch-up asks
 * for every message it applies whether its id already exists and whether its content is already
 * stored: one indexed look-up each, and each a call into SQLite. `note` answers a whole run of
 * entries with one query; the writes of that run then consult the answer and skip the look-up
 * for an id it found absent. An id is taken out of the set as soon as this write inserts it, and
 * the set is emptied when the write ends (`clear`, also on a rollback), so it never outlives the
 * transaction state it describes: inside one synchronous write only that write adds rows.
 */
import type { Db } from './database.js';
import { idPrefix } from './id-prefix.js';

export class KnownAbsent {
  private absent = new Set<string>();
  private readonly present;

  /** `table` and `column` are this module's callers' constants (never outside input). */
  constructor(db: Db, table: string, column: string, prefixColumn: string) {
    // json_each hands SQLite the prefixes as one parameter; the prefix index answers each, and
    // rows whose prefix matches but whose id differs count as absent (prefixes may collide).
    this.present = db
      .prepare(
        `SELECT ${column} FROM ${table} WHERE ${prefixColumn} IN (SELECT value FROM json_each(?))`,
      )
      .pluck();
  }

  /** Looks up all of `ids` at once; those not stored are known absent until `clear`. */
  note(ids: readonly string[]): void {
    this.absent.clear();
    if (ids.length === 0) return;
    const prefixes = ids.map(idPrefix);
    const found = new Set(this.present.all(JSON.stringify(prefixes)) as string[]);
    for (const id of ids) if (!found.has(id)) this.absent.add(id);
  }

  /** True when `id` is known absent (a look-up would find nothing). */
  has(id: string): boolean {
    return this.absent.has(id);
  }

  /** The write is inserting `id`: true when it was known absent (no look-up needed). */
  take(id: string): boolean {
    return this.absent.delete(id);
  }

  clear(): void {
    this.absent.clear();
  }
}
