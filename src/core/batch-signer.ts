/**
 * One signature per batch instead of one per entry. Local appends are stored unsigned while the
 * group-commit transaction is open; just before it commits, each author's newest entry of the
 * batch is signed, and through the `prev` links that signature authenticates the entries before
 * it. An Ed25519 signature costs about as much as everything else in an append, so a burst of
 * intents gets nearly twice as fast.
 *
 * More entries are signed so that every peer can verify what it receives: the last entry before
 * the author switches topic (gossip carries one topic's entries, so each published run must end
 * signed), and enough that no unsigned run exceeds `MAX_UNSIGNED_RUN` entries or
 * `MAX_RUN_BYTES` (receivers verify in bounded chunks and gossip messages have a size limit).
 */
import type { KeyPair } from './identity.js';
import { signSealed, type SealedEntry } from './log.js';
import type { Address } from './types.js';

/** Longest run of unsigned entries; well under the ingest chunk (2,000) and a sync batch. */
export const MAX_UNSIGNED_RUN = 127;
/** Entry and content bytes after which the next entry is signed (a gossip run stays small). */
export const MAX_RUN_BYTES = 256 * 1024;

/** A local entry whose sealed form becomes the signed one if the batch signs it. */
export interface LocalAppend {
  sealed: SealedEntry;
  /** Bytes it adds to a gossip message: the entry plus its content. */
  readonly size: number;
}

export class BatchSigner {
  private batch = new Map<Address, { readonly pair: KeyPair; appends: LocalAppend[] }>();

  /** Records an entry written in the open transaction (after its write succeeded). */
  add(pair: KeyPair, append: LocalAppend): void {
    const author = pair.address;
    const group = this.batch.get(author);
    if (group) group.appends.push(append);
    else this.batch.set(author, { pair, appends: [append] });
  }

  /**
   * Signs the entries of the batch that need it and hands each signed form to `store` (which
   * replaces the stored bytes). Runs inside the transaction, right before COMMIT.
   */
  signBatch(store: (signed: SealedEntry) => void): void {
    const batch = this.batch;
    this.batch = new Map();
    for (const { pair, appends } of batch.values()) {
      let unsigned = 0;
      let bytes = 0;
      appends.forEach((append, index) => {
        const next = appends[index + 1];
        bytes += append.size;
        const topicChanges =
          next !== undefined && next.sealed.entry.tx.channel !== append.sealed.entry.tx.channel;
        const full = unsigned >= MAX_UNSIGNED_RUN || bytes >= MAX_RUN_BYTES;
        if (next === undefined || topicChanges || full) {
          append.sealed = signSealed(pair, append.sealed);
          store(append.sealed);
          unsigned = 0;
          bytes = 0;
        } else unsigned += 1;
      });
    }
  }

  /**
   * After a rollback: keeps the entries still in the store (`stored`). A write rolled back to
   * its savepoint takes only its own entries out of the batch; the others of the transaction
   * must still get their signature, or they would stay unverifiable until their author writes
   * again. A failed commit leaves none.
   */
  rollback(stored: (sealed: SealedEntry) => boolean): void {
    for (const [author, group] of this.batch) {
      const kept = group.appends.filter((append) => stored(append.sealed));
      if (kept.length > 0) group.appends = kept;
      else this.batch.delete(author);
    }
  }
}
