/**
 * What the generated fidelity matrix (fidelity-matrix.test.ts) does and expects per row of
 * docs/fidelity.md. A row has one scenario (what a person does on the source network) and, for
 * every cell text the table may show, what the target must then have received: carried as the
 * cell says, degraded by the cell's rule, or nothing (a drop the runtime counted, checked by the
 * test from `ownKinds`). A cell text with no entry here fails the test: a table change needs a
 * behaviour written down for it. Rules an adapter applies itself (an IRC correction line, a
 * Discord jump link) are the router's action here; the adapter contract suite checks the rest.
 */
import type { DropKind } from '../../../src/bridges/types.js';
import type { PairWorld } from './fidelity-world.js';

export type Outcome = 'carried' | 'degraded' | 'dropped';

export interface CellRule<S> {
  /** The cell's text exactly, or a pattern whose groups the check reads (numbers in it). */
  readonly cell: string | RegExp;
  readonly outcome: Outcome;
  check(seen: S, w: PairWorld, match: RegExpMatchArray | undefined): void | Promise<void>;
}

export interface Feature<S = unknown> {
  /** The row's first column in docs/fidelity.md. */
  readonly feature: string;
  /** The outbound kinds of this row: a "dropped" cell means each is counted `unsupported`. */
  readonly ownKinds: readonly DropKind[];
  run(w: PairWorld): Promise<S>;
  readonly cells: readonly CellRule<S>[];
}

/** Marks of a dropped cell in the table (legend ¹: counted and logged). */
export const DROPPED_CELLS = ['not carried (dropped ¹)', 'not shown (dropped ¹)'];

/** The cells of each feature, typed against its scenario's result. */
export function feature<S>(f: Feature<S>): Feature {
  return f as unknown as Feature;
}
