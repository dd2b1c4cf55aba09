/**
 * A small rule-driven inline scanner for the chat markups (Discord, Slack): at each position the
 * rules are tried in order; the first that matches produces nodes and says where it ended,
 * otherwise the character is plain text. Delimited spans (`*x*`) find their closer by search and
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

/** Scans a nested span at the next depth, and remembers failed closer searches for this source. */
export interface Scan {
  readonly depth: number;
  inner(text: string): Inline[];
  /** Index of `marker` at or after `from`, or -1; a miss is remembered so later searches are O(1). */
  find(marker: string, from: number): number;
}

/** Scans `src` with `rules`. Never throws; worst case on hostile input is quadratic in its length. */
export function scanInlines(src: string, rules: readonly Rule[], depth = 0): Inline[] {
  const misses = new Map<string, number>();
  const scan: Scan = {
    depth,
    inner: (text) => scanInlines(text, rules, depth + 1),
    find(marker, from) {
      const missFrom = misses.get(marker);
      if (missFrom !== undefined && from >= missFrom) return -1;
      const at = src.indexOf(marker, from);
      if (at < 0) misses.set(marker, Math.min(from, missFrom ?? from));
      return at;
    },
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

/**
 * A span between two `marker`s wrapped by `wrap`. `notFollowedBy` rejects a closer directly
 * followed by that character (so `*a**` does not close italics on the first star of `**`).
 */
export function delimited(
  marker: string,
  wrap: (children: Inline[]) => Inline,
  flanking: Flanking,
  notFollowedBy = '',
): Rule {
  return {
    triggers: marker[0] as string,
    match(src, pos, scan) {
      if (scan.depth >= MAX_DEPTH || !src.startsWith(marker, pos)) return undefined;
      if (!flanking.canOpen(src, pos, marker.length)) return undefined;
      let from = pos + marker.length + 1;
      for (;;) {
        const at = scan.find(marker, from);
        if (at < 0) return undefined;
        const follows = src[at + marker.length] ?? '';
        if (flanking.canClose(src, at, marker.length) && (notFollowedBy === '' || follows !== notFollowedBy)) {
          const children = scan.inner(src.slice(pos + marker.length, at));
          return { nodes: [wrap(children)], end: at + marker.length };
        }
        from = at + 1;
      }
    },
  };
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

/** A code span between runs of the same number of backticks. */
export const codeSpanRule: Rule = {
  triggers: '`',
  match(src, pos, scan) {
    let n = 0;
    while (src[pos + n] === '`') n++;
    const fence = '`'.repeat(n);
    let from = pos + n;
    for (;;) {
      const at = scan.find(fence, from);
      if (at < 0) return undefined;
      let end = at + n;
      while (src[end] === '`') end++;
      if (end - at === n && at > pos + n) {
        let text = src.slice(pos + n, at);
        if (n >= 3) text = text.replace(/^\n/, '').replace(/\n$/, '');
        return { nodes: [{ type: 'code', text }], end };
      }
      from = end;
    }
  },
};
