/**
 * Verification of one stored log, a page at a time: each entry must hash to its id, name its
 * author, link to the one before, and the newest entry verified must carry a signature that holds
 * (which authenticates the chain behind it). A generator, so that the check at open runs it to the
 * end at once and the background check (background-verify.ts) yields to the event loop between
 * pages.
 */
import { ChainError } from '../errors.js';
import { unseal, verifyRun, type LogHead, type SealedEntry } from '../log.js';
import type { Address, EntryId } from '../types.js';
import type { Db } from './database.js';

/** Entries decoded per page (a few ms of work: what a request may wait in the background check). */
export const PAGE = 500;

interface StoredRow {
  readonly id: EntryId;
  readonly seq: number;
  readonly body: Uint8Array;
}

/** Decodes a stored row and checks that its bytes hash to its id and name its author. */
function unsealRow(row: StoredRow, author: Address): SealedEntry {
  const sealed = unseal(row.body);
  if (sealed.id !== row.id) throw new ChainError(`stored entry ${row.id} does not match its hash`);
  if (sealed.entry.author !== author || sealed.entry.seq !== row.seq)
    throw new ChainError(`stored entry ${row.id} names another author or seq`);
  return sealed;
}

/**
 * The stored entry at `seq` of `author` as a verified starting point: its bytes must hash to its
 * id, and to `expected` when given (the id a checkpoint recorded). Everything after it is then
 * checked against it; the entry itself is authenticated by the signed entry the chain ends in.
 */
export function anchorAt(db: Db, author: Address, seq: number, expected?: EntryId): LogHead {
  const row = db
    .prepare('SELECT id, seq, body FROM entries WHERE author = ? AND seq = ?')
    .get(author, seq) as StoredRow | undefined;
  if (!row) throw new ChainError(`the stored log of ${author} has no entry ${seq}`);
  const sealed = unsealRow(row, author);
  if (expected !== undefined && sealed.id !== expected)
    throw new ChainError(
      `stored entry ${seq} of ${author} is ${sealed.id}, verified as ${expected}`,
    );
  return { seq, id: sealed.id };
}

/**
 * Verifies the entries of `author` after `from` (the whole log when undefined) up to seq
 * `newest`, whose signature must hold unless `newestKnown` (it is the verified `from` itself).
 * Yields the number of entries of each page; throws ChainError (or SignatureError) on the first
 * entry that does not hold, and when the log ends before `newest`.
 */
export function* verifyLog(
  db: Db,
  author: Address,
  from: LogHead | undefined,
  newest: number,
): Generator<number, LogHead | undefined> {
  const page = db.prepare(
    'SELECT id, seq, body FROM entries WHERE author = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
  );
  let head = from;
  while ((head?.seq ?? 0) < newest) {
    const rows = page.all(author, head?.seq ?? 0, newest, PAGE) as StoredRow[];
    if (rows.length === 0)
      throw new ChainError(`the stored log of ${author} ends at ${head?.seq ?? 0}, not ${newest}`);
    const run = rows.map((row) => unsealRow(row, author));
    const last = rows[rows.length - 1]!.seq >= newest;
    const authenticated = verifyRun(run, head, () => undefined, last ? 'newest' : 'links');
    const tip = run[run.length - 1]!;
    if (authenticated < run.length)
      throw new ChainError(`the newest stored entry of ${author} (${tip.id}) is not signed`);
    head = { seq: tip.entry.seq, id: tip.id };
    yield run.length;
  }
  return head;
}
