/**
 * Before a bulk run is applied, which of the messages it creates and of the contents it brings
 * are not stored yet, answered in one query each (store/known-absent.ts) instead of one look-up
 * per message and per content. Only a hint: the checks and writes that follow ask the store
 * themselves for any id not in the answer, so a malformed entry skipped here changes nothing.
 */
import type { NodeInternals } from './internals.js';
import type { Pending } from './pending-logs.js';
import { resourceIdOf } from './resources.js';
import type { Resource } from './types.js';

type Stores = Pick<NodeInternals, 'log' | 'projections'>;

/** Runs shorter than this gain less from one query than the query costs to prepare. */
export const MIN_RUN = 16;

export function noteAbsence(q: Stores, run: readonly Pending[]): void {
  const messages: string[] = [];
  const contents: string[] = [];
  for (const { sealed, contents: bodies } of run) {
    const creates: unknown = sealed.entry.tx?.creates;
    if (!Array.isArray(creates)) continue;
    for (const r of creates as Resource[]) {
      if (r?.kind !== 'message' || typeof r.data?.contentHash !== 'string') continue;
      try {
        messages.push(resourceIdOf(r));
      } catch {
        continue; // malformed: check() refuses it, asking the store as usual
      }
      if (bodies.has(r.data.contentHash)) contents.push(r.data.contentHash);
    }
  }
  q.projections.absentMessages.note(messages);
  q.log.absentContent.note(contents);
}

export function forgetAbsence(q: Stores): void {
  q.projections.absentMessages.clear();
  q.log.absentContent.clear();
}
