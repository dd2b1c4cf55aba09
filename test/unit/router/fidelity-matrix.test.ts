/**
 * The fidelity table, cell by cell, through the router: generated from docs/fidelity.md (the
 * table `npm run docs:fidelity` renders from the adapters' capabilities) for every row and every
 * ordered pair of Matrix, Discord, Slack and IRC with IRC in relay mode, and once more towards
 * IRC in puppet mode. Each pair has a router with two test adapters that declare exactly the
 * real adapters' capabilities; each row links a fresh channel, does its event on the source and checks
 * that the target received what its cell says (fidelity-rows-*.ts). No drop goes unexplained:
 * a dropped cell must show its count (`unsupported`, per kind of the row), and any other count
 * must be one the table declares for the target (a bridged person's join where joins are not
 * shown). A cell text without a written behaviour fails, so the table and the behaviour change
 * together.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DropCount } from '../../../src/bridges/runtime/dropped.js';
import { DROPPED_CELLS, type Feature } from './fidelity-features.js';
import { MESSAGE_ROWS } from './fidelity-rows-messages.js';
import { PEOPLE_ROWS } from './fidelity-rows-people.js';
import {
  columnOf,
  NETWORKS,
  readTable,
  startPair,
  type IrcMode,
  type Pair,
  type Net,
  type Table,
} from './fidelity-world.js';

const ROWS: readonly Feature[] = [...MESSAGE_ROWS, ...PEOPLE_ROWS];
const table = readTable();

/** The row of the table that decides whether a counted kind was declared. */
const ROW_OF_KIND: Readonly<Record<string, string>> = {
  send: 'text',
  edit: 'edits',
  delete: 'deletes',
  react: 'reactions',
  unreact: 'reactions',
  join: 'join/leave',
  leave: 'join/leave',
  typing: 'typing',
  topic: 'topic',
  role: 'roles',
};

/** A drop the table declares: `unsupported` at the target, where its kind's cell is dropped. */
function declared(t: Table, column: string, targetName: string) {
  return (d: DropCount): boolean => {
    const row = ROW_OF_KIND[d.kind];
    return (
      d.network === targetName &&
      d.reason === 'unsupported' &&
      row !== undefined &&
      DROPPED_CELLS.includes(t.cell(row, column))
    );
  };
}

function ruleFor(f: Feature, cell: string) {
  for (const rule of f.cells) {
    if (typeof rule.cell === 'string' && rule.cell === cell) return { rule, match: undefined };
    const match = typeof rule.cell === 'string' ? null : rule.cell.exec(cell);
    if (match) return { rule, match };
  }
  throw new Error(`no written behaviour for the ${f.feature} cell "${cell}": add one`);
}

const pairs = (mode: IrcMode) =>
  NETWORKS.flatMap((from) => NETWORKS.filter((to) => to !== from).map((to) => [from, to]))
    // The mode changes only what IRC declares as a target (the router reads the receiving
    // adapter's capabilities): the puppet matrix is the pairs towards IRC.
    .filter(([, to]) => mode === 'IRC relay' || to === 'irc') as [Net, Net][];

describe('the fidelity table has a written behaviour for every row', () => {
  it('rows of docs/fidelity.md and of this matrix are the same, in order', () => {
    expect(ROWS.map((r) => r.feature)).toEqual(table.features);
  });
});

/** What was counted between two readings of `runtime.dropped()`. */
function counted(before: readonly DropCount[], after: readonly DropCount[]): DropCount[] {
  const key = (d: DropCount) => `${d.network} ${d.kind} ${d.reason}`;
  const was = new Map(before.map((d) => [key(d), d.count]));
  return after
    .map((d) => ({ ...d, count: d.count - (was.get(key(d)) ?? 0) }))
    .filter((d) => d.count > 0);
}

for (const mode of ['IRC relay', 'IRC puppet'] as const) {
  for (const [from, to] of pairs(mode)) {
    // One router per ordered pair; each row works in a channel and targets of its own.
    describe(`fidelity matrix (${mode}): ${from} → ${to}`, () => {
      let pair: Pair;
      beforeAll(async () => {
        pair = await startPair(from, to, mode);
        // Checked per row below, against what the table declares for that row's target.
        pair.h.expectDrops(() => true);
      });
      const column = columnOf(to, mode);
      for (const f of ROWS) {
        const cell = table.cell(f.feature, column);
        const { rule, match } = ruleFor(f, cell);
        it(`${f.feature}: ${from} → ${to} is ${rule.outcome}`, async () => {
          const w = await pair.openRow(f.feature);
          const ok = declared(table, column, w.targetName);
          expect(rule.outcome === 'dropped', 'a dropped cell is the dropped rule').toBe(
            DROPPED_CELLS.includes(cell),
          );
          const before = w.h.runtime.dropped();
          const seen = await f.run(w);
          await rule.check(seen, w, match ?? undefined);
          const drops = counted(before, w.h.runtime.dropped());
          if (rule.outcome === 'dropped') {
            for (const kind of f.ownKinds)
              expect(drops).toContainEqual(
                expect.objectContaining({ network: w.targetName, kind, reason: 'unsupported' }),
              );
          }
          expect(
            drops.filter((d) => !ok(d)),
            'drops the table does not declare',
          ).toEqual([]);
        });
      }
    });
  }
}
