/**
 * Reads the timing marks a gateway wrote with `MULTICHAT_SPANS` (src/core/spans.ts) and turns
 * them into a per-stage breakdown of relayed lines: each line's marks run from its `in.emit`
 * (the adapter handed the event to the runtime) to the next line's; a stage reached twice in one
 * line is numbered (`core.commit#2`). Only lines that the benchmark sent one at a time are
 * used, each matched to its client send and arrival, so the two IRC hops show too.
 * The leading `_` keeps run-all from running this file.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface SentLine {
  /** Wall-clock ms (with decimals) when the client wrote the line. */
  readonly sentAt: number;
  /** When the receiving client saw the relayed line (undefined if it never did). */
  readonly arrivedAt: number | undefined;
}

export interface Step {
  readonly from: string;
  readonly to: string;
  readonly p50Ms: number;
  readonly meanMs: number;
}

interface Mark {
  readonly t: number;
  readonly stage: string;
}

function readMarks(file: string): Mark[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cut = line.indexOf(' ');
      return { t: Number(line.slice(0, cut)), stage: line.slice(cut + 1) };
    })
    .sort((a, b) => a.t - b.t);
}

/** Splits the marks into lines, each starting at an `in.emit`. */
function groups(marks: readonly Mark[]): Mark[][] {
  const out: Mark[][] = [];
  for (const mark of marks) {
    if (mark.stage === 'in.emit') out.push([]);
    const seen = out[out.length - 1]?.filter((m) => m.stage.split('#')[0] === mark.stage).length;
    if (seen === undefined) continue; // marks before the first line
    out[out.length - 1]?.push(seen > 0 ? { ...mark, stage: `${mark.stage}#${seen + 1}` } : mark);
  }
  return out;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

/**
 * The breakdown of `lines` (sent one at a time): client → in.emit, each stage to the next in
 * the order most lines took, and the last `w.sent` → arrival at the receiving client.
 */
export function breakdown(
  file: string,
  lines: readonly SentLine[],
): {
  lines: number;
  steps: Step[];
  pipelineP50Ms: number;
} {
  const all = groups(readMarks(file));
  const samples: Mark[][] = [];
  for (const line of lines) {
    if (line.arrivedAt === undefined) continue;
    const group = all.find(
      (g) => (g[0]?.t ?? 0) >= line.sentAt && (g[0]?.t ?? 0) <= (line.arrivedAt as number),
    );
    if (!group) continue;
    const sent = group.find((m) => m.stage === 'w.sent');
    samples.push([
      { t: line.sentAt, stage: 'client.send' },
      ...group.filter((m) => m.t <= (sent?.t ?? Infinity)),
      { t: line.arrivedAt, stage: 'client.arrival' },
    ]);
  }
  // The order most lines took; lines that went another way (rare) are left out.
  const key = (g: Mark[]) => g.map((m) => m.stage).join(' ');
  const counts = new Map<string, number>();
  for (const g of samples) counts.set(key(g), (counts.get(key(g)) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const used = samples.filter((g) => key(g) === common);
  const steps: Step[] = [];
  const first = used[0];
  for (let i = 1; first && i < first.length; i++) {
    const deltas = used.map((g) => (g[i] as Mark).t - (g[i - 1] as Mark).t);
    steps.push({
      from: (first[i - 1] as Mark).stage,
      to: (first[i] as Mark).stage,
      p50Ms: round(median(deltas)),
      meanMs: round(deltas.reduce((a, b) => a + b, 0) / deltas.length),
    });
  }
  const pipeline = used.map((g) => {
    const emit = g.find((m) => m.stage === 'in.emit')?.t ?? 0;
    const sent = g.find((m) => m.stage === 'w.sent')?.t ?? 0;
    return sent - emit;
  });
  return { lines: used.length, steps, pipelineP50Ms: round(median(pipeline)) };
}
