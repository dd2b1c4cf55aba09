/**
 * Hybrid logical clock (Kulkarni et al.): close to wall time, yet strictly greater than every
 * clock value this node has sent or received. Because an entry's HLC exceeds those of the
 * entries it depends on, ordering by (hlc, id) is a topological order of the causal graph.
 */
import type { Hlc } from './types.js';

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wall - b.wall || a.counter - b.counter;
}

export class HybridClock {
  private last: Hlc = { wall: 0, counter: 0 };

  constructor(private readonly now: () => number) {}

  /** A timestamp for a local event, greater than any seen so far. */
  tick(): Hlc {
    const wall = Math.max(this.now(), this.last.wall);
    this.last =
      wall === this.last.wall ? { wall, counter: this.last.counter + 1 } : { wall, counter: 0 };
    return this.last;
  }

  /** Folds in a timestamp received from a peer (or loaded from the store). */
  observe(remote: Hlc): void {
    if (compareHlc(remote, this.last) > 0) this.last = remote;
  }

  /** A timestamp greater than all of `deps` and anything seen. */
  tickAfter(deps: readonly Hlc[]): Hlc {
    for (const dep of deps) this.observe(dep);
    return this.tick();
  }
}
