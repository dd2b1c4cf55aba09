/**
 * The whole store verified again after every start, since the check at open covers only what came
 * after each log's checkpoint (verify-on-load.ts) and whoever can edit the store can edit the
 * checkpoints too. A page at a time, yielding to the event loop between pages, so requests are
 * served meanwhile. It verifies each log up to its head as committed when the check reaches it
 * (`log_heads`, written right before each commit: newer entries were verified by the ingest that stored
 * them or signed by this node), and no further than the log stood at open when that is known: a
 * catch-up that began before the check would otherwise have its entries decoded and hashed twice.
 * Moves the checkpoints on when done.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ChainError } from '../errors.js';
import type { LogHead } from '../log.js';
import type { Address } from '../types.js';
import type { Db } from './database.js';
import { verifyLog } from './log-verify.js';
import { storedLogs, writeVerifiedHeads, type VerifiedHead } from './verified-heads.js';

export interface StoreCheck {
  readonly authors: number;
  readonly entries: number;
}

/**
 * Verifies every stored log (with `atOpen`, each log stored at open up to the seq it had then);
 * resolves with what it checked, or undefined when `stopped()` turned true first (the store may
 * be closed by then). Rejects with ChainError or SignatureError naming the first entry that does
 * not hold.
 */
export async function verifyStoreInBackground(
  db: Db,
  stopped: () => boolean,
  atOpen?: ReadonlyMap<Address, number>,
): Promise<StoreCheck | undefined> {
  await nextTurn();
  if (stopped()) return undefined;
  const logs = storedLogs(db).filter((log) => !atOpen || atOpen.has(log.author));
  const headOf = db.prepare('SELECT seq, id FROM log_heads WHERE author = ?');
  const verified: VerifiedHead[] = [];
  let entries = 0;
  for (const { author, newest } of logs) {
    await nextTurn();
    if (stopped()) return undefined;
    const head = headOf.get(author) as LogHead | undefined;
    // Within an open write transaction a new author has no head row yet: its entries are the
    // ingest's. Otherwise every author with entries has one.
    if (!head && db.inTransaction) continue;
    const current = head?.seq ?? newest;
    const target = Math.min(current, atOpen?.get(author) ?? current);
    const run = verifyLog(db, author, undefined, target);
    for (;;) {
      const step = run.next();
      if (step.done) {
        if (head && target === head.seq && step.value?.id !== head.id)
          throw new ChainError(
            `the head recorded for ${author} is not its stored entry ${head.seq}`,
          );
        if (step.value) verified.push({ author, ...step.value });
        break;
      }
      entries += step.value;
      await nextTurn();
      if (stopped()) return undefined;
    }
  }
  writeVerifiedHeads(db, verified);
  return { authors: logs.length, entries };
}
