/**
 * Streams several authors' log suffixes merged by hybrid logical clock. An entry's HLC exceeds
 * those of the entries it depends on, so this order delivers dependencies before dependents;
 * equal clocks cannot depend on each other and are ordered by author for determinism. Each
 * author's suffix is read lazily in small pages, so memory is bounded by authors x page size.
 */
import type { Address, EntryEnvelope, Hlc } from '../types.js';
import type { SyncNode } from './types.js';

interface Cursor {
  readonly author: Address;
  /** Last seq handed out (or the client's seq at the start). */
  after: number;
  /** Highest seq to send: the server's head when the request arrived. */
  readonly until: number;
  page: EntryEnvelope[];
  index: number;
}

function hlcOf(cursor: Cursor): Hlc {
  return (cursor.page[cursor.index] as EntryEnvelope).entry.hlc;
}

function before(a: Cursor, b: Cursor): boolean {
  const x = hlcOf(a);
  const y = hlcOf(b);
  if (x.wall !== y.wall) return x.wall < y.wall;
  if (x.counter !== y.counter) return x.counter < y.counter;
  return a.author < b.author;
}

/** A min-heap of cursors ordered by the HLC of their next entry. */
export class CausalMerge {
  private readonly heap: Cursor[] = [];
  private readonly pageSize: number;

  /**
   * @param ranges author -> [afterSeq, untilSeq]: send seqs afterSeq+1 .. untilSeq.
   */
  constructor(
    private readonly node: Pick<SyncNode, 'entriesAfter'>,
    ranges: ReadonlyMap<Address, readonly [number, number]>,
  ) {
    // Few authors get long pages (fast bulk reads); many authors share a bounded budget.
    this.pageSize = Math.max(8, Math.min(512, Math.floor(65_536 / Math.max(1, ranges.size))));
    for (const [author, [after, until]] of ranges) {
      if (until <= after) continue;
      const cursor: Cursor = { author, after, until, page: [], index: 0 };
      if (this.load(cursor)) this.push(cursor);
    }
  }

  /** The next entry in causal order, or undefined when every range is exhausted. */
  next(): EntryEnvelope | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const envelope = top.page[top.index] as EntryEnvelope;
    top.index += 1;
    top.after = envelope.entry.seq;
    if (top.index < top.page.length || this.load(top)) {
      this.siftDown(0);
    } else {
      const last = this.heap.pop() as Cursor;
      if (this.heap.length > 0 && last !== top) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    }
    return envelope;
  }

  private load(cursor: Cursor): boolean {
    if (cursor.after >= cursor.until) return false;
    const limit = Math.min(this.pageSize, cursor.until - cursor.after);
    cursor.page = this.node.entriesAfter(cursor.author, cursor.after, limit);
    cursor.index = 0;
    return cursor.page.length > 0;
  }

  private push(cursor: Cursor): void {
    this.heap.push(cursor);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.heap[i] as Cursor, this.heap[parent] as Cursor)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent] as Cursor, this.heap[i] as Cursor];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < this.heap.length && before(this.heap[left] as Cursor, this.heap[best] as Cursor)) {
        best = left;
      }
      if (
        right < this.heap.length &&
        before(this.heap[right] as Cursor, this.heap[best] as Cursor)
      ) {
        best = right;
      }
      if (best === i) return;
      [this.heap[i], this.heap[best]] = [this.heap[best] as Cursor, this.heap[i] as Cursor];
      i = best;
    }
  }
}
