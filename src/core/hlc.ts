/**
 * Hybrid logical clock (Kulkarni et al.): close to wall time, yet strictly greater than every
 * clock value this node has sent or received. Because an entry's HLC exceeds those of the
 * entries it depends on, ordering by (hlc, id) is a topological order of the causal graph.
 *
 * A clock value comes from peers, so it is bounded before anything adopts it (see
 * docs/protocol.md, "Clocks"): `wall` a safe non-negative integer (ms since epoch), `counter` a
 * non-negative integer below 2^32, and `wall` at most MAX_SKEW_MS ahead of the receiver's clock.
 */
import { ClockRangeError } from './errors.js';
import type { Hlc } from './types.js';

/**
 * How far ahead of this node's clock a peer's wall may be and still be adopted at once. NTP keeps
 * honest machines within milliseconds; a minute covers unsynchronised laptops and phones, and
 * bounds how far one peer can push everybody's clock (and so the order of later messages).
 */
export const MAX_SKEW_MS = 60_000;
/**
 * Entries up to this far ahead wait until they are due (a peer whose clock is hours off, e.g. a
 * time-zone mistake, is delayed, not lost); beyond it they are refused (`hlc.range`) and fetched
 * again by sync once time has caught up.
 */
export const MAX_HOLD_MS = 24 * 3600_000;
/**
 * The counter only grows while many events share one millisecond: 2^32 per ms is far beyond any
 * real rate, and keeps `wall` and `counter` well inside what SQLite INTEGER and JS numbers hold
 * exactly. When it would pass the bound the clock moves `wall` on by 1 ms instead of saturating.
 */
export const MAX_COUNTER = 2 ** 32 - 1;

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wall - b.wall || a.counter - b.counter;
}

/** What is wrong with a clock value's fields (type and range), or undefined when it is sound. */
export function hlcFieldProblem(hlc: unknown): string | undefined {
  if (typeof hlc !== 'object' || hlc === null) return 'hlc must be a map {wall, counter}';
  if (Object.keys(hlc).length !== 2) return 'hlc has exactly the fields wall and counter';
  const { wall, counter } = hlc as Record<string, unknown>;
  if (!Number.isSafeInteger(wall) || (wall as number) < 0)
    return `hlc.wall must be a non-negative safe integer, got ${showValue(wall)}`;
  if (
    !Number.isSafeInteger(counter) ||
    (counter as number) < 0 ||
    (counter as number) > MAX_COUNTER
  )
    return `hlc.counter must be an integer from 0 to ${MAX_COUNTER}, got ${showValue(counter)}`;
  return undefined;
}

/** A value for an error message: short, and never the whole of a hostile string. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return value === null ? 'null' : typeof value;
}

export class HybridClock {
  private last: Hlc = { wall: 0, counter: 0 };

  constructor(
    private readonly now: () => number,
    private readonly skewMs = MAX_SKEW_MS,
  ) {}

  /**
   * The wall of the newest timestamp seen or made: local writes date their messages no earlier,
   * so createdAt stays within the window of the entry's clock even if this machine's clock
   * stepped back after it adopted a later value.
   */
  latestWall(): number {
    return this.last.wall;
  }

  /** A timestamp for a local event, greater than any seen so far. */
  tick(): Hlc {
    const wall = Math.max(this.now(), this.last.wall);
    if (wall !== this.last.wall) this.last = { wall, counter: 0 };
    else if (this.last.counter < MAX_COUNTER) this.last = { wall, counter: this.last.counter + 1 };
    else this.last = { wall: wall + 1, counter: 0 };
    return this.last;
  }

  /**
   * Folds in a timestamp received from a peer. Refuses (throws ClockRangeError, adopting
   * nothing) a value that is malformed or more than the skew window ahead of this node's clock:
   * callers check first, so this only fires on a bug, and a bug must not poison the clock.
   */
  observe(remote: Hlc): void {
    this.adopt(remote, this.skewMs);
  }

  /**
   * Folds in the newest clock value of the store at start. It was within the window when it was
   * stored; if this machine's clock has since gone back, up to MAX_HOLD_MS is still adopted, so
   * new entries stay later than the ones they depend on.
   */
  restore(stored: Hlc): void {
    this.adopt(stored, MAX_HOLD_MS);
  }

  /** A timestamp greater than all of `deps` and anything seen. */
  tickAfter(deps: readonly Hlc[]): Hlc {
    for (const dep of deps) this.observe(dep);
    return this.tick();
  }

  private adopt(remote: Hlc, aheadMs: number): void {
    const problem = hlcFieldProblem(remote);
    if (problem) throw new ClockRangeError(problem);
    const limit = this.now() + aheadMs;
    if (remote.wall > limit) {
      throw new ClockRangeError(
        `hlc.wall ${remote.wall} is more than ${aheadMs} ms ahead of this node's clock`,
      );
    }
    if (compareHlc(remote, this.last) > 0)
      this.last = { wall: remote.wall, counter: remote.counter };
  }
}
