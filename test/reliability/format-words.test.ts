/**
 * Issue 23, hostile input: no markup converter loses the words of a message. test/unit/format/
 * fuzz.test.ts already shows that nothing throws; this adds what a reader would notice — a word
 * typed on one network missing on another.
 *
 * The property: the input is words (a letter, then letters and digits) mixed with any markup
 * punctuation of any network; whatever one network's parser makes of it, every network's
 * rendering holds all the input's words, in order (searched left to right in the output, so
 * markup between them does not matter; Slack and Matrix HTML, which write a link's address
 * before its label, only as often as typed). Left out of the input on purpose, because there a word IS markup and is meant to vanish: an HTML tag name after `<` (Matrix
 * HTML), `<…>` controls (Slack), `\x04` + six hex letters (an IRC colour); and a code fence's
 * language is not counted as words (CommonMark and Discord read it as markup).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  converters,
  renderMatrixContent,
  renderPlain,
  splitRendered,
} from '../../src/bridges/format/index.js';
import type { Markup, RichText } from '../../src/bridges/format/index.js';

const markups = Object.keys(converters) as Markup[];
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);

const word = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzé'),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), maxLength: 8 }),
  )
  .map(([first, rest]) => first + rest);

/** Markup punctuation of every network, none of it alphanumeric. */
const punctuation = [
  '*', '**', '***', '_', '__', '~', '~~', '||', '`', '``', '```', '\n', '\n\n', ' ', '  ',
  '>', '> ', '>>> ', '[', ']', '(', ')', '](', '](https://ex.org/', '\\', '#', '# ', '- ', '• ',
  '@', ':', '|', '!', '\x02', '\x03', '\x0f', '\x11', '\x16', '\x1d', '\x1e', '\x1f', '\r',
  '\t', '"', "'", '=', '/', '.', ',', '😀', '\u200b', '<', '&', ';', '<@', '<#', '<!', '</',
]; // prettier-ignore

/** What cannot be in the input of `from` (there a word is markup: see the file comment). */
const notIn: Partial<Record<Markup, ReadonlySet<string>>> = {
  'matrix-html': new Set(['<', '&', '<@', '<#', '<!', '</']),
  slack: new Set(['<', '&', '<@', '<#', '<!', '</']),
};

const inputOf = (from: Markup) =>
  fc
    .array(fc.oneof(word, fc.constantFrom(...punctuation.filter((p) => !notIn[from]?.has(p)))), {
      minLength: 1,
      maxLength: 60,
    })
    .map((parts) => parts.join(''));

/** A code fence's info string (its language) in CommonMark and Discord: markup, not words. */
// A fence may open inside a quote or a list item: `> ```js`, `- ```js`.
const fenceInfo = /^((?:[ \t]*(?:>|[-*+•]))*[ \t]*)(`{3,}|~{3,})[^\n]*/gm;

/** The input's alphanumeric runs, in order (the words a reader typed). */
function wordsOf(text: string, from: Markup): string[] {
  const typed = from === 'markdown' || from === 'discord' ? text.replace(fenceInfo, '$1$2') : text;
  return typed.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The first word of `words` missing from `output`, or undefined when all are there. In order:
 * each searched after the previous one. Not in order (Slack writes a link `<url|label>`, the
 * address first): `output` must hold each word as many times as `words` does.
 */
function missingWord(
  words: readonly string[],
  output: string,
  ordered: boolean,
): string | undefined {
  let at = 0;
  const seen = new Map<string, number>();
  for (const w of words) {
    const found = output.indexOf(w, ordered ? at : (seen.get(w) ?? 0));
    if (found < 0) return w;
    at = found + w.length;
    seen.set(w, found + w.length);
  }
  return undefined;
}

/** Every rendering a bridge sends for `rich` to `to`: the text, its parts, Matrix' content. */
function renderings(rich: RichText, to: Markup): string[] {
  const text = converters[to].render(rich);
  const out = [text, splitRendered(rich, converters[to].render, 200).join(' ')];
  if (to === 'matrix-html') out.push(renderMatrixContent(rich).formatted_body);
  return out;
}

/** Markups that write a link's address before its label (`<url|label>`, `<a href>label`). */
const addressFirst = new Set<Markup>(['slack', 'matrix-html']);

describe.each(markups)('words typed in %s', (from) => {
  it('all reach every network, in order, and the plain text', () => {
    fc.assert(
      fc.property(inputOf(from), (input) => {
        const words = wordsOf(input, from);
        const rich = converters[from].parse(input);
        const plain = renderPlain(rich);
        expect(
          missingWord(words, plain, true),
          `plain of ${JSON.stringify(input)}`,
        ).toBeUndefined();
        for (const to of markups) {
          for (const output of renderings(rich, to)) {
            expect(
              missingWord(words, output, !addressFirst.has(to)),
              `${from} -> ${to} of ${JSON.stringify(input)}: ${JSON.stringify(output)}`,
            ).toBeUndefined();
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
