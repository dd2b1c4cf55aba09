/**
 * Hands gossip entries to the node in adaptive batches: while one `ingest` call runs, entries
 * that arrive queue up and go together in the next call. An idle node ingests each entry at
 * once (no added latency); a busy one commits many per transaction and verifies each author's
 * run by its newest signature, so throughput rises exactly when it is needed. Each caller still
 * learns its own entry's fate.
 */
import type { EntryEnvelope, EntryId } from '../types.js';
import type { SyncNode } from './types.js';

export type IngestFate =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'rejected'; readonly reason: string };

interface Waiting {
  readonly id: EntryId;
  readonly envelope: EntryEnvelope;
  readonly resolve: (fate: IngestFate) => void;
  readonly reject: (error: unknown) => void;
}

/** Largest batch per ingest call. */
const MAX_BATCH = 512;

export class IngestQueue {
  private queue: Waiting[] = [];
  private running = false;

  constructor(private readonly node: Pick<SyncNode, 'ingest' | 'getEntries'>) {}

  /** Offers one entry; resolves with what the node did with it. */
  offer(id: EntryId, envelope: EntryEnvelope): Promise<IngestFate> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, envelope, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const fates = await this.ingest(batch);
          batch.forEach((w, i) => w.resolve(fates[i] as IngestFate));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async ingest(batch: Waiting[]): Promise<IngestFate[]> {
    // Forwarded only once committed: a node vouches only for what it has stored.
    const result = await this.node.ingest(batch.map((w) => w.envelope));
    const applied = new Set<string>(result.applied);
    const refused = new Map(result.rejected.map((r) => [r.entry as string, r.reason]));
    return batch.map(({ id }): IngestFate => {
      const reason = refused.get(id);
      if (reason !== undefined) return { kind: 'rejected', reason };
      if (applied.has(id)) return { kind: 'accepted' };
      if (result.pending === 0) return { kind: 'duplicate' };
      if (result.duplicates === 0) return { kind: 'pending' };
      return { kind: this.node.getEntries([id]).length > 0 ? 'duplicate' : 'pending' };
    });
  }
}
