/**
 * The check of every stored log when the node opens, kept short however large the store: per log,
 * what came after its verified checkpoint (verified-heads.ts), and at most the newest TAIL entries
 * of it. Each entry checked must hash to its id and link to the one before, the entry checking
 * starts from must hash to the id recorded for it, and the newest entry must carry a signature
 * that holds. A store edited behind the node's back there is refused with a typed error instead of
 * being served; an edit deeper in the history is found by the background check that runs after
 * every start (background-verify.ts), which then stops the node.
 */
import type { Address } from '../types.js';
import type { Db } from './database.js';
import { anchorAt, verifyLog } from './log-verify.js';
import {
  readVerifiedHeads,
  storedLogs,
  writeVerifiedHeads,
  type VerifiedHead,
} from './verified-heads.js';

/** Newest entries per log checked at open at most (about 40 ms for one log in a new process). */
export const TAIL = 1024;

export interface LoadCheck {
  readonly authors: number;
  readonly entries: number;
  /** Every log was checked from its checkpoint or its start (else only its newest TAIL). */
  readonly complete: boolean;
  /**
   * The newest seq of each log stored at open: what the background check covers. Entries stored
   * after it were verified by the ingest that stored them, or signed by this node.
   */
  readonly logs: ReadonlyMap<Address, number>;
}

export function verifyStoredLogs(db: Db): LoadCheck {
  const checkpoints = readVerifiedHeads(db);
  const logs = storedLogs(db);
  const verified: VerifiedHead[] = [];
  let entries = 0;
  let complete = true;
  for (const { author, newest } of logs) {
    const checkpoint = checkpoints.get(author);
    let fromSeq = Math.max(checkpoint?.seq ?? 0, newest - TAIL);
    // A checkpoint past the stored log: entries were removed behind the node's back.
    if (checkpoint && checkpoint.seq > newest) fromSeq = checkpoint.seq;
    // The newest entry must be verified itself (signature) unless a checkpoint vouches for it.
    if (fromSeq === newest && checkpoint?.seq !== newest) fromSeq = newest - 1;
    const capped = fromSeq > (checkpoint?.seq ?? 0);
    if (capped) complete = false;
    const from =
      fromSeq > 0
        ? anchorAt(db, author, fromSeq, fromSeq === checkpoint?.seq ? checkpoint.id : undefined)
        : undefined;
    const run = verifyLog(db, author, from, newest);
    let step = run.next();
    for (; !step.done; step = run.next()) entries += step.value;
    // A log checked only in part keeps its checkpoint until the background check has done it.
    if (step.value && !capped) verified.push({ author, ...step.value });
  }
  writeVerifiedHeads(db, verified);
  const atOpen = new Map(logs.map((l) => [l.author, l.newest]));
  return { authors: logs.length, entries, complete, logs: atOpen };
}
