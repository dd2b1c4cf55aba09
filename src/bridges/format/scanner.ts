/**
 * A small rule-driven inline scanner for the chat markups (Discord, Slack): at each position the
 * rules are tried in order; the first that matches produces nodes and says where it ended,
 * otherwise the character is plain text. Delimited spans (`*x*`) take the first valid closer and
 * scan their content recursively, up to MAX_DEPTH.
 */
import { MAX_DEPTH, tidy, withLineBreaks } from './inline.js';
import type { Inline } from './model.js';

export interface Match {
  readonly nodes: Inline[];
  readonly end: number;
}

/** A rule looks at `src` from `pos` (whose character is one of its triggers) and may match. */
export interface Rule {
  readonly triggers: string;
  match(src: string, pos: number, scan: Scan): Match | undefined;
}

/** What a rule may ask of the scan in progress: nested scanning and per-source position caches. */
export interface Scan {
  readonly depth: number;
  inner(text: string): Inline[];
  /**
   * Sorted positions computed once per source under `key` (e.g. every valid closer of a rule), so
   * that each opener finds its closer by binary search: linear time on hostile input.
   */
  positions(key: unknown, compute: () => number[]): readonly number[];
}

/** First element of sorted `list` that is >= `min`, or undefined. */
export function firstAtLeast(list: readonly number[], min: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < min) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

/** Scans `src` with `rules`. Never throws; time is linear in `src` per nesting level (at most MAX_DEPTH). */
export function scanInlines(src: string, rules: readonly Rule[], depth = 0): Inline[] {
  const cache = new Map<unknown, number[]>();
  const scan: Scan = {
    positions(key, compute) {
      let list = cache.get(key);
      if (list === undefined) {
        list = compute();
        cache.set(key, list);
      }
      return list;
    },
    depth,
    inner: (text) => scanInlines(text, rules, depth + 1),
  };
  const triggers = new Set(rules.flatMap((r) => [...r.triggers]));
  const out: Inline[] = [];
  let text = '';
  let pos = 0;
  while (pos < src.length) {
    const c = src[pos] as string;
    let matched: Match | undefined;
    if (triggers.has(c)) {
      for (const rule of rules) {
        if (!rule.triggers.includes(c)) continue;
        matched = rule.match(src, pos, scan);
        if (matched !== undefined && matched.end > pos) break;
        matched = undefined;
      }
    }
    if (matched === undefined) {
      text += c;
      pos++;
      continue;
    }
    out.push(...withLineBreaks(text), ...matched.nodes);
    text = '';
    pos = matched.end;
  }
  out.push(...withLineBreaks(text));
  return tidy(out);
}

const WORD = /[\p{L}\p{N}]/u;

/** Boundary rules for a delimiter: may it open at `pos` / close at `pos` (its first character)? */
export interface Flanking {
  canOpen(src: string, pos: number, len: number): boolean;
  canClose(src: string, pos: number, len: number): boolean;
}

/** Opens after a non-word, closes before a non-word, never next to whitespace inside (Slack, Discord `_`). */
export const WORD_BOUNDARY: Flanking = {
  canOpen: (src, pos, len) => !WORD.test(src[pos - 1] ?? '') && !/\s/.test(src[pos + len] ?? ' '),
  canClose: (src, pos, len) => !/\s/.test(src[pos - 1] ?? ' ') && !WORD.test(src[pos + len] ?? ''),
};

/** Opens before a non-space, closes after a non-space (Discord `*`, `**`, `~~`). */
export const NON_SPACE: Flanking = {
  canOpen: (src, pos, len) => !/\s/.test(src[pos + len] ?? ' '),
  canClose: (src, pos, _len) => !/\s/.test(src[pos - 1] ?? ' '),
};

/** Anything goes (Discord `||`, `__`). */
export const ANYWHERE: Flanking = { canOpen: () => true, canClose: () => true };

export interface DelimitedOptions {
  /** Rejects a closer directly followed by this character (`*a**` does not close on the first `*`). */
  readonly notFollowedBy?: string;
  /** Whether a backslash escapes a marker character (Discord yes, Slack has no escapes). */
  readonly escapes?: boolean;
}

/** A span between two `marker`s wrapped by `wrap`. */
export function delimited(
  marker: string,
  wrap: (children: Inline[]) => Inline,
  flanking: Flanking,
  { notFollowedBy = '', escapes = false }: DelimitedOptions = {},
): Rule {
  const rule: Rule = {
    triggers: marker[0] as string,
    match(src, pos, scan) {
      if (scan.depth >= MAX_DEPTH || !src.startsWith(marker, pos)) return undefined;
      if (!flanking.canOpen(src, pos, marker.length)) return undefined;
      // Whether a position closes depends only on the source, so all closers are found once.
      const closers = scan.positions(rule, () => {
        const found: number[] = [];
        for (let at = src.indexOf(marker); at >= 0; at = src.indexOf(marker, at + 1)) {
          const follows = src[at + marker.length] ?? '';
          const ok = notFollowedBy === '' || follows !== notFollowedBy;
          if (ok && flanking.canClose(src, at, marker.length) && !(escapes && isEscaped(src, at)))
            found.push(at);
        }
        return found;
      });
      const at = firstAtLeast(closers, pos + marker.length + 1);
      if (at === undefined) return undefined;
      const children = scan.inner(src.slice(pos + marker.length, at));
      return { nodes: [wrap(children)], end: at + marker.length };
    },
  };
  return rule;
}

/** Whether the character at `pos` follows an odd number of backslashes. */
function isEscaped(src: string, pos: number): boolean {
  let n = 0;
  while (src[pos - 1 - n] === '\\') n++;
  return n % 2 === 1;
}

/** A backslash before ASCII punctuation makes that character literal (Discord). */
export const escapeRule: Rule = {
  triggers: '\\',
  match(src, pos) {
    const next = src[pos + 1] ?? '';
    if (!/[!-/:-@[-`{-~]/.test(next)) return undefined;
    return { nodes: [{ type: 'text', text: next }], end: pos + 2 };
  },
};

/** A code span between runs of the same number of backticks; an unmatched run is literal text. */
export const codeSpanRule: Rule = {
  triggers: '`',
  match(src, pos, scan) {
    let n = 0;
    while (src[pos + n] === '`') n++;
    const runs = scan.positions(`code-span:${n}`, () => {
      const found: number[] = [];
      for (let at = src.indexOf('`'); at >= 0;) {
        let end = at;
        while (src[end] === '`') end++;
        if (end - at === n) found.push(at);
        at = src.indexOf('`', end);
      }
      return found;
    });
    const at = firstAtLeast(runs, pos + n + 1);
    const fence = src.slice(pos, pos + n);
    if (at === undefined) return { nodes: [{ type: 'text', text: fence }], end: pos + n };
    let text = src.slice(pos + n, at);
    if (n >= 3) text = text.replace(/^\n/, '').replace(/\n$/, '');
    // Inline code is one line in the model; renderers write a newline in it as a space too.
    text = text.replace(/\r?\n/g, ' ');
    return { nodes: [{ type: 'code', text }], end: at + n };
  },
};
