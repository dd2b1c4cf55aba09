/**
 * Verifies every stored log when the node opens: each entry must hash to its id, link to the one
 * before, and each log's newest entry must carry a signature that holds (which authenticates the
 * chain behind it).
 * A store edited behind the node's back is refused with a typed error instead of being served.
 */
import { ChainError } from '../errors.js';
import { unseal, verifyRun, type LogHead, type SealedEntry } from '../log.js';
import type { Address, EntryId } from '../types.js';
import type { Db } from './database.js';

const BATCH = 5000;

interface StoredRow {
  readonly id: EntryId;
  readonly seq: number;
  readonly body: Uint8Array;
}

export function verifyStoredLogs(db: Db): { authors: number; entries: number } {
  const authors = db
    .prepare('SELECT author, MAX(seq) AS newest FROM entries GROUP BY author')
    .all() as { author: Address; newest: number }[];
  const page = db.prepare(
    'SELECT id, seq, body FROM entries WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  let entries = 0;
  for (const { author, newest: newestSeq } of authors) {
    let head: LogHead | undefined;
    for (;;) {
      const rows = page.all(author, head?.seq ?? 0, BATCH) as StoredRow[];
      if (rows.length === 0) break;
      const run: SealedEntry[] = rows.map((row) => {
        const sealed = unseal(row.body);
        if (sealed.id !== row.id)
          throw new ChainError(`stored entry ${row.id} does not match its hash`);
        if (sealed.entry.author !== author)
          throw new ChainError(`stored entry ${row.id} names another author`);
        return sealed;
      });
      const last = rows[rows.length - 1]!.seq >= newestSeq;
      const authenticated = verifyRun(run, head, () => undefined, last ? 'newest' : 'links');
      const newest = run[run.length - 1]!;
      if (authenticated < run.length)
        throw new ChainError(`the newest stored entry of ${author} (${newest.id}) is not signed`);
      head = { seq: newest.entry.seq, id: newest.id };
      entries += run.length;
      if (last) break;
    }
  }
  return { authors: authors.length, entries };
}
