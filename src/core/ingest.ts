/**
 * Ingest of entries from peers. Each author's entries are applied strictly in seq order; a
 * contiguous run is authenticated by its hash chain and the newest signature. An entry waits
 * (never dropped) while an earlier entry of its log, a causal dependency or a resource it
 * consumes is missing; it is refused, and never stored, when its chain, signature, clock,
 * content or any resource logic is wrong.
 */
import { compareHlc } from './hlc.js';
import { seal, verifyRun, type SealedEntry } from './log.js';
import { checkTransaction } from './logics/index.js';
import type { TxContext } from './logics/types.js';
import type { NodeInternals } from './node.js';
import type { EventPublisher } from './publish.js';
import { contentMatches, contentText, resourceIdOf, utf8Length } from './resources.js';
import type { Change } from './state/apply.js';
import type { Address, ContentHash, EntryEnvelope, EntryId, IngestResult } from './types.js';
import { CoreError, LogError } from './errors.js';

interface Pending {
  readonly sealed: SealedEntry;
  readonly contents: ReadonlyMap<ContentHash, Uint8Array>;
}

type WriteEntry = (sealed: SealedEntry, contents: ReadonlyMap<ContentHash, Uint8Array>) => Change[];

/** Entries applied per commit: bounds the time the event loop is held and the open transaction. */
const CHUNK = 2000;
/** Entries held waiting at most; beyond it the oldest are forgotten and re-fetched by sync. */
const PENDING_LIMIT = 200_000;

type Outcome =
  { kind: 'applied' } | { kind: 'wait' } | { kind: 'reject'; reason: string; rule: string };

export class Ingestor {
  private readonly pending = new Map<Address, Map<number, Pending>>();
  private pendingSize = 0;

  constructor(
    private readonly q: NodeInternals,
    private readonly publisher: EventPublisher,
  ) {}

  pendingCount(): number {
    return this.pendingSize;
  }

  async ingest(envelopes: readonly EntryEnvelope[], write: WriteEntry): Promise<IngestResult> {
    let duplicates = 0;
    const rejected: { entry: EntryId; reason: string }[] = [];
    const touched = new Set<Address>();
    const held: SealedEntry[] = [];
    for (const envelope of envelopes) {
      let sealed: SealedEntry;
      try {
        sealed = seal(envelope.entry);
      } catch (error) {
        rejected.push({
          entry: '' as EntryId,
          reason: `malformed entry: ${(error as Error).message}`,
        });
        continue;
      }
      const { entry, id } = sealed;
      const head = this.q.log.head(entry.author);
      if (head && entry.seq <= head.seq) {
        const existing = this.q.log.idAt(entry.author, entry.seq);
        if (existing === id) {
          duplicates += 1;
          this.fillMissingContent(sealed, envelope.contents);
        } else
          rejected.push({
            entry: id,
            reason: `log fork: seq ${entry.seq} of ${entry.author} is already ${existing}`,
          });
        continue;
      }
      this.hold(sealed, envelope.contents);
      held.push(sealed);
      touched.add(entry.author);
    }
    const accepted = await this.drain(touched, write, rejected);
    const stillPending = held.filter(
      (s) => this.pending.get(s.entry.author)?.get(s.entry.seq)?.sealed.id === s.id,
    ).length;
    for (const r of rejected) this.count(r.reason.split(':')[0] ?? 'rejected');
    return { accepted, duplicates, pending: stillPending, rejected };
  }

  /**
   * A relay may pass an entry on without its content (or the content may have been deleted at
   * the source); when the same entry comes again with content that matches its hash, and the
   * message was not deleted here, the content is stored. A relay can delay text, not erase it.
   */
  private fillMissingContent(
    sealed: SealedEntry,
    contents: ReadonlyMap<ContentHash, Uint8Array>,
  ): void {
    if (contents.size === 0) return;
    const { log, projections } = this.q;
    for (const r of sealed.entry.tx.creates ?? []) {
      if (r.kind !== 'message' && r.kind !== 'edit') continue;
      const hash = r.data.contentHash;
      const body = contents.get(hash);
      if (!body || log.content(hash) || !contentMatches(hash, body)) continue;
      const messageId = r.kind === 'edit' ? r.data.message : resourceIdOf(r);
      const row = projections.message.get(messageId) as { deleted: number } | undefined;
      if (!row || row.deleted === 1) continue;
      this.q.commit.run(() => log.putContent(hash, body));
    }
  }

  private hold(sealed: SealedEntry, contents: ReadonlyMap<ContentHash, Uint8Array>): void {
    let byseq = this.pending.get(sealed.entry.author);
    if (!byseq) this.pending.set(sealed.entry.author, (byseq = new Map()));
    if (byseq.has(sealed.entry.seq)) return;
    byseq.set(sealed.entry.seq, { sealed, contents });
    this.pendingSize += 1;
    if (this.pendingSize > PENDING_LIMIT) this.forgetOldest();
  }

  private forgetOldest(): void {
    const [author, byseq] = this.pending.entries().next().value as [Address, Map<number, Pending>];
    this.pendingSize -= byseq.size;
    this.pending.delete(author);
  }

  /** Applies whatever has become applicable, until nothing moves. */
  private async drain(
    touched: Set<Address>,
    write: WriteEntry,
    rejected: { entry: EntryId; reason: string }[],
  ) {
    let accepted = 0;
    let progress = true;
    let authors: Address[] = [...touched];
    while (progress) {
      progress = false;
      for (const author of authors) {
        const n = await this.drainAuthor(author, write, rejected);
        if (n > 0) progress = true;
        accepted += n;
      }
      // Another author's entries may now have their dependencies: try every waiting log.
      authors = [...this.pending.keys()];
    }
    return accepted;
  }

  private async drainAuthor(
    author: Address,
    write: WriteEntry,
    rejected: { entry: EntryId; reason: string }[],
  ) {
    const byseq = this.pending.get(author);
    if (!byseq) return 0;
    let applied = 0;
    for (;;) {
      const head = this.q.log.head(author);
      const run: Pending[] = [];
      for (let seq = (head?.seq ?? 0) + 1; run.length < CHUNK; seq += 1) {
        const next = byseq.get(seq);
        if (!next) break;
        run.push(next);
      }
      if (run.length === 0) break;
      const verified = this.verifiedPrefix(run, head, rejected, byseq);
      const { count, stop } = await this.applyRun(verified, write, rejected, byseq);
      applied += count;
      if (stop || count === 0 || verified.length < run.length) break;
    }
    if (byseq.size === 0) this.pending.delete(author);
    return applied;
  }

  /** The longest prefix of `run` whose chain and signatures hold; the rest is refused. */
  private verifiedPrefix(
    run: Pending[],
    head: { seq: number; id: EntryId } | undefined,
    rejected: { entry: EntryId; reason: string }[],
    byseq: Map<number, Pending>,
  ): Pending[] {
    const sealed = run.map((p) => p.sealed);
    const idAt = (seq: number) => this.q.log.idAt(sealed[0]!.entry.author, seq);
    try {
      verifyRun(sealed, head, idAt, 'newest');
      return run;
    } catch {
      // Find the first bad entry by checking one at a time.
    }
    let ok = 0;
    let last = head;
    for (const p of run) {
      try {
        verifyRun([p.sealed], last, idAt, 'each');
      } catch (error) {
        this.refuseFrom(p.sealed.entry.seq, byseq, rejected, describe(error));
        break;
      }
      last = { seq: p.sealed.entry.seq, id: p.sealed.id };
      ok += 1;
    }
    return run.slice(0, ok);
  }

  private async applyRun(
    run: Pending[],
    write: WriteEntry,
    rejected: { entry: EntryId; reason: string }[],
    byseq: Map<number, Pending>,
  ): Promise<{ count: number; stop: boolean }> {
    let count = 0;
    let stop = false;
    const { committed } = this.q.commit.run(
      () => {
        const published: { p: Pending; changes: Change[] }[] = [];
        for (const p of run) {
          const outcome = this.check(p);
          if (outcome.kind === 'wait') {
            stop = true;
            break;
          }
          if (outcome.kind === 'reject') {
            this.refuseFrom(
              p.sealed.entry.seq,
              byseq,
              rejected,
              `${outcome.rule}: ${outcome.reason}`,
            );
            stop = true;
            break;
          }
          this.q.clock.observe(p.sealed.entry.hlc);
          published.push({ p, changes: write(p.sealed, p.contents) });
          byseq.delete(p.sealed.entry.seq);
          this.pendingSize -= 1;
          count += 1;
        }
        return published;
      },
      (published) => {
        for (const { p, changes } of published)
          this.publisher.publish(p.sealed, p.contents, changes, false);
      },
    );
    await committed;
    return { count, stop };
  }

  /** Whether an entry whose chain holds may be applied now, must wait, or is refused. */
  private check(p: Pending): Outcome {
    const { entry } = p.sealed;
    const { tx } = entry;
    const { log, resources } = this.q;
    if (
      !tx ||
      !Array.isArray(tx.deps) ||
      !Array.isArray(tx.creates) ||
      !Array.isArray(tx.consumes)
    ) {
      return { kind: 'reject', rule: 'tx.shape', reason: 'transaction is malformed' };
    }
    for (const dep of tx.deps) {
      const hlc = log.hlcOf(dep);
      if (!hlc) return { kind: 'wait' };
      if (compareHlc(entry.hlc, hlc) <= 0) {
        return {
          kind: 'reject',
          rule: 'hlc.causality',
          reason: 'entry is not later than its dependencies',
        };
      }
    }
    if (entry.prev) {
      const prevHlc = log.hlcOf(entry.prev);
      if (prevHlc && compareHlc(entry.hlc, prevHlc) <= 0) {
        return {
          kind: 'reject',
          rule: 'hlc.causality',
          reason: 'entry is not later than the previous one',
        };
      }
    }
    for (const r of tx.creates) {
      if (r.kind !== 'message' && r.kind !== 'edit') continue;
      const body = p.contents.get(r.data.contentHash);
      if (!body) continue; // deleted at the source (expired or redacted): the tombstone suffices
      const text = contentText(body);
      if (
        !contentMatches(r.data.contentHash, body) ||
        text === undefined ||
        utf8Length(text) !== r.data.contentLength
      ) {
        return {
          kind: 'reject',
          rule: 'content.hash',
          reason: 'content does not match its hash or length',
        };
      }
    }
    const consumed = [];
    for (const id of tx.consumes) {
      const row = resources.get(id);
      if (!row) return { kind: 'wait' };
      consumed.push({ id, resource: row.resource });
    }
    const ctx: TxContext = {
      tx,
      author: entry.author,
      hlc: entry.hlc,
      limits: this.q.limits,
      consumed,
    };
    let refusal;
    try {
      refusal = checkTransaction(ctx, this.q.state);
    } catch (error) {
      return {
        kind: 'reject',
        rule: 'tx.shape',
        reason: `transaction is malformed: ${(error as Error).message}`,
      };
    }
    return refusal
      ? { kind: 'reject', rule: refusal.rule, reason: refusal.message }
      : { kind: 'applied' };
  }

  /** Refuses the entry at `seq` and forgets everything after it in that log (it cannot apply). */
  private refuseFrom(
    seq: number,
    byseq: Map<number, Pending>,
    rejected: { entry: EntryId; reason: string }[],
    reason: string,
  ): void {
    for (const [s, p] of byseq) {
      if (s < seq) continue;
      if (s === seq) rejected.push({ entry: p.sealed.id, reason });
      byseq.delete(s);
      this.pendingSize -= 1;
    }
  }

  private count(rule: string): void {
    const { rejections } = this.q.counters;
    rejections.set(rule, (rejections.get(rule) ?? 0) + 1);
  }
}

function describe(error: unknown): string {
  if (error instanceof LogError || error instanceof CoreError)
    return `${error.code}: ${error.message}`;
  return `invalid: ${(error as Error).message}`;
}
