/**
 * Verifies every stored log when the node opens: each entry must hash to its id, link to the one
 * before, and each log's newest signature must hold (which authenticates the chain behind it).
 * A store edited behind the node's back is refused with a typed error instead of being served.
 */
import { ChainError } from '../errors.js';
import { hashBytes } from '../encoding.js';
import { unseal, verifyRun, type LogHead, type SealedEntry } from '../log.js';
import type { Address, EntryId } from '../types.js';
import type { Db } from './database.js';

const BATCH = 5000;

export function verifyStoredLogs(db: Db): { authors: number; entries: number } {
  const authors = db.prepare('SELECT DISTINCT author FROM entries').pluck().all() as Address[];
  const page = db.prepare(
    'SELECT id, body FROM entries WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  let entries = 0;
  for (const author of authors) {
    let head: LogHead | undefined;
    for (;;) {
      const rows = page.all(author, head?.seq ?? 0, BATCH) as { id: EntryId; body: Uint8Array }[];
      if (rows.length === 0) break;
      const run: SealedEntry[] = rows.map((row) => {
        if (hashBytes(row.body) !== row.id)
          throw new ChainError(`stored entry ${row.id} does not match its hash`);
        const sealed = unseal(row.body);
        if (sealed.entry.author !== author)
          throw new ChainError(`stored entry ${row.id} names another author`);
        return sealed;
      });
      const last = rows.length < BATCH;
      verifyRun(run, head, () => undefined, last ? 'newest' : 'each-skip');
      const newest = run[run.length - 1]!;
      head = { seq: newest.entry.seq, id: newest.id };
      entries += run.length;
      if (last) break;
    }
  }
  return { authors: authors.length, entries };
}
