/**
 * JSON Schema `pattern`s for the text the API refuses by rule (core/names.ts): usernames,
 * channel names, topics, reaction keys. They are derived by asking those very rules about every
 * code point, so the document cannot drift from what the server answers 400 to. Built once, on
 * the first request for the document (a fraction of a second of CPU).
 *
 * A pattern must mean the same to clients in any language: character classes only, no `\p{…}`
 * or `\s`; BMP code points as `\uXXXX`, the others as the characters themselves.
 */
import { forbiddenCharacter, reactionKeyProblem, type NameKind } from '../../../core/names.js';

type Range = [first: number, last: number];

const MAX_CODE_POINT = 0x10ffff;

/** The code points of `within` for which `test` holds, as ranges. */
function rangesWhere(
  test: (char: string) => boolean,
  within: readonly Range[] = [[0, MAX_CODE_POINT]],
): Range[] {
  const out: Range[] = [];
  for (const [first, last] of within)
    for (let cp = first; cp <= last; cp++) {
      if (!test(String.fromCodePoint(cp))) continue;
      const last = out.at(-1);
      if (last && last[1] === cp - 1) last[1] = cp;
      else out.push([cp, cp]);
    }
  return out;
}

/** Adds `cp` to sorted ranges, merging with the last one when adjacent. */
function add(out: Range[], cp: number): void {
  const last = out.at(-1);
  if (last && last[1] === cp - 1) last[1] = cp;
  else out.push([cp, cp]);
}

const BLOCK = 0x1000;

/**
 * The code points a `kind` may not contain. Asks forbiddenCharacter about whole blocks of text
 * (each call returns the first refused one) instead of a million single characters; surrogates
 * are asked one by one, since two of them side by side would form a valid pair.
 */
function forbiddenRanges(kind: NameKind): Range[] {
  const out: Range[] = [];
  for (let start = 0; start <= MAX_CODE_POINT; start += BLOCK) {
    if (start + BLOCK > 0xd800 && start < 0xe000) {
      for (let cp = start; cp < start + BLOCK; cp++) {
        if (forbiddenCharacter(String.fromCodePoint(cp), kind) !== undefined) add(out, cp);
      }
      continue;
    }
    let rest = '';
    for (let cp = start; cp < start + BLOCK; cp++) rest += String.fromCodePoint(cp);
    for (;;) {
      const cp = forbiddenCharacter(rest, kind);
      if (cp === undefined) break;
      add(out, cp);
      const char = String.fromCodePoint(cp);
      rest = rest.slice(rest.indexOf(char) + char.length);
    }
  }
  return out;
}

function withoutSurrogates(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    if (a < 0xd800) out.push([a, Math.min(b, 0xd7ff)]);
    if (b > 0xdfff) out.push([Math.max(a, 0xe000), b]);
  }
  return out;
}

const one = (cp: number): string =>
  cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : String.fromCodePoint(cp);

/**
 * The inside of a `[...]` class for these ranges. Surrogates are left out: many regex engines
 * (Rust's, Go's) refuse them in a pattern, and a JSON string carries one only as an escape of an
 * unpaired half, which the names rules refuse anyway (the descriptions say so).
 */
function classBody(ranges: readonly Range[]): string {
  return withoutSurrogates(ranges)
    .map(([a, b]) => (a === b ? one(a) : `${one(a)}-${one(b)}`))
    .join('');
}

/**
 * Where Unicode puts emoji and their components: the BMP, plane 1 and the tag characters of
 * plane 14. The other planes hold ideographs and private use only, so they are not asked.
 */
const EMOJI_PLANES: readonly Range[] = [
  [0, 0x1ffff],
  [0xe0000, 0xe0fff],
];

/** `:name:` or Slack's `:name::skin-tone-2:`, with the name characters the rule accepts. */
function shortcode(): string {
  const ascii: Range[] = [[0x21, 0x7e]];
  const name = classBody(rangesWhere((c) => reactionKeyProblem(`:${c}:`) === undefined, ascii));
  return `:[${name}]+(?:::[${name}]+)*:`;
}

export interface TextPatterns {
  readonly username: string;
  readonly channelName: string;
  readonly topic: string;
  /** Text with at least one character that is not white space (a message). */
  readonly nonBlank: string;
  /** A reaction key as `:shortcode:` (ASCII). */
  readonly shortcode: string;
  /** A reaction key as one emoji sequence. */
  readonly emoji: string;
}

let cached: TextPatterns | undefined;

/** The patterns, computed on first use. */
export function textPatterns(): TextPatterns {
  if (cached) return cached;
  const forbidden = (kind: NameKind): string => classBody(forbiddenRanges(kind));
  // What String.prototype.trim removes: a username may not start or end with it.
  const space = classBody(rangesWhere((c) => c.trim() === ''));
  const name = forbidden('username');
  // A grinning face supplies the pictograph a key needs, so this asks only "may c be part of one".
  const parts = rangesWhere((c) => reactionKeyProblem(`\u{1F600}${c}`) === undefined, EMOJI_PLANES);
  const core = rangesWhere((c) => reactionKeyProblem(c) === undefined, parts);
  const part = classBody(parts);
  cached = {
    username: `^[^${name}${space}](?:[^${name}]*[^${name}${space}])?$`,
    channelName: `^[^${forbidden('channel name')}]*$`,
    topic: `^[^${forbidden('topic')}]*$`,
    nonBlank: `[^${space}]`,
    shortcode: `^${shortcode()}$`,
    emoji: `^[${part}]*[${classBody(core)}][${part}]*$`,
  };
  return cached;
}
