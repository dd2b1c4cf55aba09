/**
 * The verified checkpoint of each stored log (table `verified_heads`, migration 8): the seq and id
 * up to which the node last verified the log. Opening verifies only what came after it. Whoever can
 * edit the store can edit this table too, so it speeds up the check at open and is no proof: the
 * whole store is verified again in the background after every start (background-verify.ts).
 */
import type { LogHead } from '../log.js';
import type { Address, EntryId } from '../types.js';
import type { Db } from './database.js';

export interface VerifiedHead extends LogHead {
  readonly author: Address;
}

export function readVerifiedHeads(db: Db): Map<Address, LogHead> {
  const rows = db.prepare('SELECT author, seq, id FROM verified_heads').all() as {
    author: Address;
    seq: number;
    id: EntryId;
  }[];
  return new Map(rows.map((r) => [r.author, { seq: r.seq, id: r.id }]));
}

/** Records verified heads; a checkpoint only moves forward. */
export function writeVerifiedHeads(db: Db, heads: readonly VerifiedHead[]): void {
  const upsert = db.prepare(
    `INSERT INTO verified_heads (author, seq, id) VALUES (?, ?, ?)
     ON CONFLICT (author) DO UPDATE SET seq = excluded.seq, id = excluded.id
       WHERE excluded.seq > verified_heads.seq`,
  );
  const write = () => {
    for (const h of heads) upsert.run(h.author, h.seq, h.id);
  };
  // Inside the group commit's open transaction the rows simply join it.
  if (db.inTransaction) write();
  else db.transaction(write)();
}

/** Each author with entries and the seq of its newest stored entry, by index seeks only. */
export function storedLogs(db: Db): { author: Address; newest: number }[] {
  const next = db
    .prepare('SELECT author FROM entries WHERE author > ? ORDER BY author LIMIT 1')
    .pluck();
  const newest = db
    .prepare('SELECT seq FROM entries WHERE author = ? ORDER BY seq DESC LIMIT 1')
    .pluck();
  const out: { author: Address; newest: number }[] = [];
  for (let a = next.get('') as Address | undefined; a !== undefined; a = next.get(a) as Address) {
    out.push({ author: a, newest: newest.get(a) as number });
  }
  return out;
}
