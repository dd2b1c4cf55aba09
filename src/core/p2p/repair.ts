/**
 * Finds what a batch of held-back entries is waiting for: earlier entries of an author's log
 * (a gap) or causal dependencies by id. The sync client fetches those instead of dropping the
 * entries, which stay pending in the node until their dependencies arrive.
 */
import { seal } from '../log.js';
import type { Address, EntryEnvelope, EntryId } from '../types.js';
import { MAX_GET_IDS, MAX_SCOPE_ITEMS } from './sync-messages.js';
import type { SyncNode } from './types.js';

/** An envelope together with its entry id (computed once, when it was decoded). */
export interface IdentifiedEnvelope {
  readonly id: EntryId;
  readonly envelope: EntryEnvelope;
}

/** What to ask a peer for next. Bounded: a flood of pending entries cannot grow it without end. */
export class RepairList {
  readonly ids = new Set<EntryId>();
  readonly authors = new Set<Address>();

  get empty(): boolean {
    return this.ids.size === 0 && this.authors.size === 0;
  }

  /** Records the needs of the entries of `batch` that the node did not store. */
  note(
    node: Pick<SyncNode, 'frontier' | 'getEntries'>,
    batch: readonly IdentifiedEnvelope[],
  ): void {
    const front = node.frontier();
    const batchIds = new Set(batch.map((b) => b.id));
    const wantedDeps = new Set<EntryId>();
    for (const { envelope } of batch) {
      const { author, seq, tx } = envelope.entry;
      const head = front.get(author) ?? 0;
      if (seq <= head) continue; // stored
      if (seq > head + 1 && !batchIds.has(envelope.entry.prev as EntryId)) {
        if (this.authors.size < MAX_SCOPE_ITEMS) this.authors.add(author);
      }
      for (const dep of tx.deps) if (!batchIds.has(dep)) wantedDeps.add(dep);
    }
    if (wantedDeps.size === 0) return;
    const known = new Set(node.getEntries([...wantedDeps]).map((e) => seal(e.entry).id));
    for (const dep of wantedDeps) {
      if (!known.has(dep) && this.ids.size < MAX_GET_IDS) this.ids.add(dep);
    }
  }

  /** Takes the current needs and clears the list. */
  take(): { ids: EntryId[]; authors: Address[] } {
    const taken = { ids: [...this.ids], authors: [...this.authors] };
    this.ids.clear();
    this.authors.clear();
    return taken;
  }
}
