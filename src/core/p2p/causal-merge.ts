/**
 * Streams several authors' log suffixes merged by hybrid logical clock. An entry's HLC exceeds
 * those of the entries it depends on, so this order delivers dependencies before dependents;
 * equal clocks cannot depend on each other and are ordered by author for determinism. Each
 * author's suffix is read lazily in small pages, so memory is bounded by authors x page size.
 */
import type { Address, EntryEnvelope, Hlc, WireEntry } from '../types.js';
import type { SyncNode } from './types.js';

/** Where an item sits: its author's seq and its clock. */
export interface LogPlace {
  readonly seq: number;
  readonly hlc: Hlc;
}

/** Reads one page of an author's log: seqs after `afterSeq`, ascending, at most `limit`. */
export type PageReader<T> = (author: Address, afterSeq: number, limit: number) => T[];

interface Cursor<T> {
  readonly author: Address;
  /** Last seq handed out (or the client's seq at the start). */
  after: number;
  /** Highest seq to send: the server's head when the request arrived. */
  readonly until: number;
  page: T[];
  index: number;
}

/** A min-heap of cursors ordered by the HLC of their next item. */
export class LogMerge<T> {
  private readonly heap: Cursor<T>[] = [];
  private readonly pageSize: number;

  /**
   * @param read reads pages of one author's log.
   * @param place the seq and clock of an item.
   * @param ranges author -> [afterSeq, untilSeq]: send seqs afterSeq+1 .. untilSeq.
   */
  constructor(
    private readonly read: PageReader<T>,
    private readonly place: (item: T) => LogPlace,
    ranges: ReadonlyMap<Address, readonly [number, number]>,
  ) {
    // Few authors get long pages (fast bulk reads); many authors share a bounded budget.
    this.pageSize = Math.max(8, Math.min(512, Math.floor(65_536 / Math.max(1, ranges.size))));
    for (const [author, [after, until]] of ranges) {
      if (until <= after) continue;
      const cursor: Cursor<T> = { author, after, until, page: [], index: 0 };
      if (this.load(cursor)) this.push(cursor);
    }
  }

  /** The next item in causal order, or undefined when every range is exhausted. */
  next(): T | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const item = top.page[top.index] as T;
    top.index += 1;
    top.after = this.place(item).seq;
    if (top.index < top.page.length || this.load(top)) {
      this.siftDown(0);
    } else {
      const last = this.heap.pop() as Cursor<T>;
      if (this.heap.length > 0 && last !== top) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    }
    return item;
  }

  /** Whether `a`'s next item comes before `b`'s. */
  private before(a: Cursor<T>, b: Cursor<T>): boolean {
    const x = this.place(a.page[a.index] as T).hlc;
    const y = this.place(b.page[b.index] as T).hlc;
    if (x.wall !== y.wall) return x.wall < y.wall;
    if (x.counter !== y.counter) return x.counter < y.counter;
    return a.author < b.author;
  }

  private load(cursor: Cursor<T>): boolean {
    if (cursor.after >= cursor.until) return false;
    const limit = Math.min(this.pageSize, cursor.until - cursor.after);
    cursor.page = this.read(cursor.author, cursor.after, limit);
    cursor.index = 0;
    return cursor.page.length > 0;
  }

  private push(cursor: Cursor<T>): void {
    this.heap.push(cursor);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.heap[i] as Cursor<T>, this.heap[parent] as Cursor<T>)) break;
      [this.heap[i], this.heap[parent]] = [
        this.heap[parent] as Cursor<T>,
        this.heap[i] as Cursor<T>,
      ];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (
        left < this.heap.length &&
        this.before(this.heap[left] as Cursor<T>, this.heap[best] as Cursor<T>)
      ) {
        best = left;
      }
      if (
        right < this.heap.length &&
        this.before(this.heap[right] as Cursor<T>, this.heap[best] as Cursor<T>)
      ) {
        best = right;
      }
      if (best === i) return;
      [this.heap[i], this.heap[best]] = [this.heap[best] as Cursor<T>, this.heap[i] as Cursor<T>];
      i = best;
    }
  }
}

/** Entries (decoded) of several logs in causal order. */
export class CausalMerge extends LogMerge<EntryEnvelope> {
  constructor(
    node: Pick<SyncNode, 'entriesAfter'>,
    ranges: ReadonlyMap<Address, readonly [number, number]>,
  ) {
    super(
      (author, after, limit) => node.entriesAfter(author, after, limit),
      (e) => e.entry,
      ranges,
    );
  }
}

/** Entries (wire-encoded, read without decoding) of several logs in causal order. */
export class WireMerge extends LogMerge<WireEntry> {
  constructor(
    node: Required<Pick<SyncNode, 'wireEntriesAfter'>>,
    ranges: ReadonlyMap<Address, readonly [number, number]>,
  ) {
    super(
      (author, after, limit) => node.wireEntriesAfter(author, after, limit),
      (e) => e,
      ranges,
    );
  }
}
