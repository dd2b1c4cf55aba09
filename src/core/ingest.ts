/**
 * Ingest of entries from peers. Each author's entries are applied strictly in seq order; a
 * contiguous run is authenticated by its hash chain and the newest signature in it (authors sign
 * only the last entry of a batch). An entry waits (never dropped) while it has no signed
 * successor yet, or an earlier entry of its log, a causal dependency or a resource it consumes
 * is missing, or its clock is ahead of ours by more than the skew window (it waits until it is
 * due; see hlc.ts); it is refused, and never stored, when a field is malformed, its clock is
 * beyond the hold bound, or its chain, signature, causality, content or any resource logic is
 * wrong.
 */
import { FutureHolds } from './future-holds.js';
import { compareHlc, MAX_HOLD_MS, MAX_SKEW_MS } from './hlc.js';
import { entryShapeProblem, seal, type SealedEntry } from './log.js';
import { PendingLogs, type Pending } from './pending-logs.js';
import { checkTransaction } from './logics/index.js';
import type { TxContext } from './logics/types.js';
import type { NodeInternals } from './internals.js';
import type { EventPublisher } from './publish.js';
import { contentMatches, contentTextLength, resourceIdOf } from './resources.js';
import { isSealedContent } from './e2ee/chain.js';
import { sealedContentRefusal } from './e2ee/ingest-check.js';
import type { Change } from './state/change.js';
import type {
  Address,
  ContentHash,
  EntryEnvelope,
  EntryId,
  IngestOptions,
  IngestResult,
} from './types.js';

type WriteEntry = (sealed: SealedEntry, contents: ReadonlyMap<ContentHash, Uint8Array>) => Change[];

/** One ingest call: how entries are written, what was refused, and whether it is bulk. */
interface Call {
  readonly write: WriteEntry;
  readonly rejected: { entry: EntryId; reason: string }[];
  /** A catch-up: commits may wait for more entries, and the call does not wait for them. */
  readonly bulk: boolean;
  readonly applied: EntryId[];
}

/**
 * Entries applied per commit: bounds the time the event loop is held and the open transaction.
 * At least as large as a sync batch (1,024), so a batch is applied in one write.
 */
const CHUNK = 2048;

type Outcome =
  | { kind: 'applied' }
  | { kind: 'wait'; due?: number }
  | { kind: 'reject'; reason: string; rule: string };

export class Ingestor {
  private readonly pending = new PendingLogs();
  private readonly future: FutureHolds;
  /** How the last call wrote entries: a held entry that falls due is written the same way. */
  private lastWrite: WriteEntry | undefined;

  constructor(
    private readonly q: NodeInternals,
    private readonly publisher: EventPublisher,
  ) {
    this.future = new FutureHolds(q.now, () => {
      if (!this.lastWrite) return;
      this.ingest([], this.lastWrite).catch((error: unknown) =>
        q.logger.warn({ err: (error as Error).message }, 'ingest: applying due entries failed'),
      );
    });
  }

  /** Stops the wake-up timer of entries held for their time (the node is closing). */
  stop(): void {
    this.future.stop();
  }

  pendingCount(): number {
    return this.pending.size();
  }

  /**
   * With `bulk`, entries are applied in the open transaction and the call returns without
   * waiting for it to commit (see GroupCommit's bulk writes): for catch-up, where nobody waits
   * on an acknowledgement and a crash only means fetching the same entries again.
   */
  async ingest(
    envelopes: readonly EntryEnvelope[],
    write: WriteEntry,
    options: IngestOptions = {},
  ): Promise<IngestResult> {
    let duplicates = 0;
    const rejected: { entry: EntryId; reason: string }[] = [];
    const touched = new Set<Address>();
    const held: SealedEntry[] = [];
    this.lastWrite = write;
    // Logs whose future entry has fallen due are retried with this call.
    for (const author of this.future.takeDue()) touched.add(author);
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
      const refusal = this.fieldRefusal(entry);
      if (refusal) {
        rejected.push({ entry: id, reason: refusal });
        continue;
      }
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
      this.pending.hold({ sealed, contents: envelope.contents });
      held.push(sealed);
      touched.add(entry.author);
    }
    const bulk = options.bulk === true;
    const applied: EntryId[] = [];
    const accepted = await this.drain(touched, { write, rejected, bulk, applied });
    const stillPending = held.filter((s) => this.pending.has(s.entry.author, s.id)).length;
    for (const r of rejected) this.count(r.reason.split(':')[0] ?? 'rejected');
    return { accepted, duplicates, pending: stillPending, rejected, applied };
  }

  /**
   * Every field in type and range, and the clock not beyond the hold bound: checked before the
   * entry is held, so a malformed or far-future entry takes no room and moves no clock.
   */
  private fieldRefusal(entry: unknown): string | undefined {
    const problem = entryShapeProblem(entry);
    if (problem !== undefined)
      return `${problem.startsWith('hlc') ? 'hlc.range' : 'entry.shape'}: ${problem}`;
    const { wall } = (entry as { hlc: { wall: number } }).hlc;
    const limit = this.q.now() + MAX_HOLD_MS;
    return wall > limit
      ? `hlc.range: hlc.wall ${wall} is more than ${MAX_HOLD_MS} ms ahead of this node's clock`
      : undefined;
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

  /** Applies whatever has become applicable, until nothing moves. */
  private async drain(touched: Set<Address>, call: Call) {
    let accepted = 0;
    let progress = true;
    let authors: Address[] = [...touched];
    while (progress) {
      progress = false;
      for (const author of authors) {
        const n = await this.drainAuthor(author, call);
        if (n > 0) progress = true;
        accepted += n;
      }
      // Another author's entries may now have their dependencies: try every waiting log.
      authors = this.pending.authors();
    }
    return accepted;
  }

  private async drainAuthor(author: Address, call: Call) {
    let applied = 0;
    for (;;) {
      const head = this.q.log.head(author);
      const run = this.pending.authenticatedRun(author, head, CHUNK, (p, reason) =>
        call.rejected.push({ entry: p.sealed.id, reason }),
      );
      if (run.length === 0) break;
      const { count, stop } = await this.applyRun(run, call);
      applied += count;
      if (stop || count === 0) break;
    }
    return applied;
  }

  private async applyRun(run: Pending[], call: Call): Promise<{ count: number; stop: boolean }> {
    const { write, rejected } = call;
    let count = 0;
    let stop = false;
    const { committed } = this.q.commit.run(
      () => {
        const published: { p: Pending; changes: Change[] }[] = [];
        for (const p of run) {
          const outcome = this.check(p);
          if (outcome.kind === 'wait') {
            if (outcome.due !== undefined) this.holdUntilDue(p, outcome.due);
            stop = true;
            break;
          }
          if (outcome.kind === 'reject') {
            // The log cannot continue past a refused entry: forget what waits behind it.
            const { author, seq } = p.sealed.entry;
            this.pending.forgetFrom(author, seq);
            rejected.push({ entry: p.sealed.id, reason: `${outcome.rule}: ${outcome.reason}` });
            stop = true;
            break;
          }
          this.q.clock.observe(p.sealed.entry.hlc);
          published.push({ p, changes: write(p.sealed, p.contents) });
          call.applied.push(p.sealed.id);
          this.pending.settle(p.sealed.entry.author, p.sealed.entry.seq);
          count += 1;
        }
        return published;
      },
      (published) => {
        for (const { p, changes } of published)
          this.publisher.publish(p.sealed, p.contents, changes, false);
      },
      call.bulk ? { bulk: run.length } : {},
    );
    if (call.bulk) {
      // Nobody waits for this commit; if it fails, sync fetches the entries again.
      committed.catch((error: unknown) =>
        this.q.logger.warn({ err: (error as Error).message }, 'ingest: bulk commit failed'),
      );
    } else await committed;
    return { count, stop };
  }

  /**
   * An entry ahead of our clock waits in its log until it is due. When too many authors wait so,
   * this one is dropped without a refusal: its sender did nothing wrong, and sync brings it again.
   */
  private holdUntilDue(p: Pending, due: number): void {
    const { author, seq } = p.sealed.entry;
    if (this.future.hold(author, due)) return;
    this.pending.forgetFrom(author, seq);
    this.q.logger.debug({ author, seq }, 'ingest: too many future entries held; dropped one');
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
      if (
        !contentMatches(r.data.contentHash, body) ||
        // A sealed blob's length is the sender's claim: only members could check it.
        (!isSealedContent(body) && contentTextLength(body) !== r.data.contentLength)
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
    if (refusal) return { kind: 'reject', rule: refusal.rule, reason: refusal.message };
    const sealed = sealedContentRefusal(
      this.q.e2ee,
      tx,
      p.contents,
      (c) => this.q.state.channel(c)?.settings.encrypted === true,
    );
    if (sealed) return { kind: 'reject', ...sealed };
    // Last, so an entry that would be refused anyway is refused now rather than held.
    if (entry.hlc.wall > this.q.now() + MAX_SKEW_MS)
      return { kind: 'wait', due: FutureHolds.dueFor(entry.hlc.wall) };
    return { kind: 'applied' };
  }

  private count(rule: string): void {
    const { rejections } = this.q.counters;
    rejections.set(rule, (rejections.get(rule) ?? 0) + 1);
  }
}
