/**
 * parse(render(model)) == model for every converter over the shared corpus. Each converter lists
 * the corpus entries its markup cannot carry, and why; those are checked to change, so a skip
 * that stops being needed is noticed.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { converters } from '../../../src/bridges/format/index.js';
import type { Markup } from '../../../src/bridges/format/types.js';
import { corpus, resolverFor } from './fixtures.js';

const skips: Record<Markup, Record<string, string>> = {
  markdown: {},
  'matrix-html': {},
  discord: {},
  slack: {
    spoiler: 'Slack has no spoilers: rendered as plain text',
    spoilerNested: 'Slack has no spoilers: rendered as plain text',
    codeBlock: 'Slack code blocks have no language',
  },
  irc: {
    link: 'a labelled link is written `label (url)`, read back as text and a bare link',
    lineBreak: 'every IRC line is its own paragraph',
    codeBlock: 'code blocks are sent line by line as monospace paragraphs',
    codeBlockNoLang: 'code blocks are sent line by line as monospace paragraphs',
    quote: 'IRC has no quotes: `> ` is text',
    quoteTwoParagraphs: 'IRC has no quotes: `> ` is text',
    list: 'IRC has no lists: `- ` is text',
    orderedList: 'IRC has no lists: `1. ` is text',
  },
};

for (const markup of Object.keys(converters) as Markup[]) {
  describe(`${markup} round trip`, () => {
    const converter = converters[markup];
    const options = { resolver: resolverFor(markup) };
    for (const [name, model] of Object.entries(corpus)) {
      const reason = skips[markup][name];
      if (reason === undefined) {
        it(`keeps ${name}`, () => {
          expect(converter.parse(converter.render(model, options), options)).toEqual(model);
        });
      } else {
        it(`changes ${name} (${reason})`, () => {
          const back = converter.parse(converter.render(model, options), options);
          expect(isDeepStrictEqual(back, model)).toBe(false);
        });
      }
    }
  });
}
