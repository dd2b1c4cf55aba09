/**
 * Entries from peers that cannot be applied yet, per author. They are kept by id, not by seq:
 * authors sign only the newest entry of a batch, so an unsigned entry proves nothing until a
 * signed successor links to it, and anyone can make one up. Keyed by seq, a made-up entry would
 * take the genuine one's place and block the log; keyed by id, both wait side by side and the
 * signature decides. Authentication runs backwards: from a signed entry whose signature holds,
 * each `prev` names exactly the entry before it, down to the stored head.
 */
import { sealedSignatureValid, type LogHead, type SealedEntry } from './log.js';
import type { Address, ContentHash, EntryId } from './types.js';

export interface Pending {
  readonly sealed: SealedEntry;
  readonly contents: ReadonlyMap<ContentHash, Uint8Array>;
}

interface AuthorLog {
  readonly byId: Map<EntryId, Pending>;
  /** Candidate ids per seq, oldest first. */
  readonly bySeq: Map<number, EntryId[]>;
}

/** Entries held waiting at most; beyond it the oldest logs are forgotten and re-fetched by sync. */
const PENDING_LIMIT = 200_000;
/** Candidates kept for one seq: a peer making up entries displaces only its own. */
const CANDIDATES_PER_SEQ = 8;

export class PendingLogs {
  private readonly logs = new Map<Address, AuthorLog>();
  private count = 0;

  size(): number {
    return this.count;
  }

  authors(): Address[] {
    return [...this.logs.keys()];
  }

  has(author: Address, id: EntryId): boolean {
    return this.logs.get(author)?.byId.has(id) ?? false;
  }

  hold(pending: Pending): void {
    const { author, seq } = pending.sealed.entry;
    let log = this.logs.get(author);
    if (!log) this.logs.set(author, (log = { byId: new Map(), bySeq: new Map() }));
    const id = pending.sealed.id;
    const known = log.byId.get(id);
    if (known) {
      // The same entry again: keep the copy that can be applied sooner. A copy read before its
      // author signed it (the newest of a batch is signed at commit) would otherwise wait for a
      // successor that may never be written, and hold back every entry that depends on it.
      log.byId.set(id, merged(known, pending));
      return;
    }
    const full = log.bySeq.get(seq);
    if (full && full.length >= CANDIDATES_PER_SEQ) this.remove(log, full[0]!);
    log.byId.set(id, pending);
    // Read again: remove() replaces the list.
    const candidates = log.bySeq.get(seq);
    if (candidates) candidates.push(id);
    else log.bySeq.set(seq, [id]);
    this.count += 1;
    if (this.count > PENDING_LIMIT) this.forgetOldestLog();
  }

  /** Removes every candidate at `seq` (an entry now holds that seq in the store). */
  settle(author: Address, seq: number): void {
    const log = this.logs.get(author);
    for (const id of log?.bySeq.get(seq) ?? []) this.remove(log!, id);
    this.dropIfEmpty(author);
  }

  /** Removes every candidate at `seq` and after (the log cannot continue past a refusal). */
  forgetFrom(author: Address, seq: number): Pending[] {
    const log = this.logs.get(author);
    if (!log) return [];
    const gone: Pending[] = [];
    for (const [s, ids] of [...log.bySeq]) {
      if (s < seq) continue;
      for (const id of ids) {
        gone.push(log.byId.get(id)!);
        this.remove(log, id);
      }
    }
    this.dropIfEmpty(author);
    return gone;
  }

  /**
   * The longest authenticated continuation of `head`, at most about `limit` entries: runs of
   * entries that each end at a signed entry whose signature holds and whose `prev` chain leads
   * back to the run before. A signed entry whose signature fails is removed and passed to
   * `refuse`; unsigned entries with no signed successor yet stay.
   */
  authenticatedRun(
    author: Address,
    head: LogHead | undefined,
    limit: number,
    refuse: (pending: Pending, reason: string) => void,
  ): Pending[] {
    const log = this.logs.get(author);
    const run: Pending[] = [];
    let tip = head;
    while (log && run.length < limit) {
      const segment = this.nextSegment(log, tip, refuse);
      if (!segment) break;
      run.push(...segment);
      const last = segment[segment.length - 1]!.sealed;
      tip = { seq: last.entry.seq, id: last.id };
    }
    this.dropIfEmpty(author);
    return run;
  }

  private nextSegment(
    log: AuthorLog,
    tip: LogHead | undefined,
    refuse: (pending: Pending, reason: string) => void,
  ): Pending[] | undefined {
    const start = (tip?.seq ?? 0) + 1;
    for (let seq = start; ; seq += 1) {
      const ids = log.bySeq.get(seq);
      if (!ids) return undefined; // a gap: nothing beyond it can link to the tip yet
      for (const id of [...ids]) {
        const candidate = log.byId.get(id)!;
        if (candidate.sealed.entry.sig === undefined) continue;
        const chain = walkBack(log, candidate, start, tip);
        if (!chain) continue;
        if (!sealedSignatureValid(candidate.sealed)) {
          this.remove(log, id);
          refuse(candidate, `bad_signature: entry ${id} of its author has a bad signature`);
          continue;
        }
        return chain;
      }
    }
  }

  private remove(log: AuthorLog, id: EntryId): void {
    const pending = log.byId.get(id);
    if (!pending) return;
    log.byId.delete(id);
    const seq = pending.sealed.entry.seq;
    const rest = (log.bySeq.get(seq) ?? []).filter((other) => other !== id);
    if (rest.length > 0) log.bySeq.set(seq, rest);
    else log.bySeq.delete(seq);
    this.count -= 1;
  }

  private dropIfEmpty(author: Address): void {
    if (this.logs.get(author)?.byId.size === 0) this.logs.delete(author);
  }

  private forgetOldestLog(): void {
    const [author, log] = this.logs.entries().next().value as [Address, AuthorLog];
    this.count -= log.byId.size;
    this.logs.delete(author);
  }
}

/** `signed`'s chain back to `start` through pending entries, oldest first, if it reaches `tip`. */
function walkBack(
  log: AuthorLog,
  signed: Pending,
  start: number,
  tip: LogHead | undefined,
): Pending[] | undefined {
  const chain = [signed];
  let current = signed;
  while (current.sealed.entry.seq > start) {
    const prev = current.sealed.entry.prev;
    const before = prev === null ? undefined : log.byId.get(prev);
    if (!before || before.sealed.entry.seq !== current.sealed.entry.seq - 1) return undefined;
    chain.push(before);
    current = before;
  }
  if (current.sealed.entry.prev !== (tip?.id ?? null)) return undefined;
  return chain.reverse();
}

/**
 * One copy of an entry from two: signed if either is validly (a bad signature from a second
 * sender does not displace a good unsigned copy), with the content of both.
 */
function merged(held: Pending, again: Pending): Pending {
  const adopt = held.sealed.entry.sig === undefined && sealedSignatureValid(again.sealed);
  const sealed = adopt ? again.sealed : held.sealed;
  if (again.contents.size === 0 || again.contents === held.contents) return { ...held, sealed };
  return { sealed, contents: new Map([...held.contents, ...again.contents]) };
}
