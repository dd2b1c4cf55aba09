/**
 * Property tests: every parser takes any string — control characters, unbalanced markers, deep
 * nesting, emoji, lone surrogates — without throwing, and every renderer takes what any parser
 * produced. Matrix output only ever holds the tags and attributes we write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { converters } from '../../../src/bridges/format/index.js';
import type { Markup } from '../../../src/bridges/format/types.js';
import { resolverFor } from './fixtures.js';

const markups = Object.keys(converters) as Markup[];

/** Any UTF-16 code unit (lone surrogates and C0 controls included) or any code point. */
const anyChar = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

const tokens = [
  '*',
  '**',
  '***',
  '_',
  '__',
  '~',
  '~~',
  '||',
  '`',
  '``',
  '```',
  '\n',
  '\n\n',
  ' ',
  '>',
  '> ',
  '>>> ',
  '&gt; ',
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  '](',
  '\\',
  '#',
  '# ',
  '- ',
  '1. ',
  '• ',
  '@',
  '@alice',
  '@bob',
  'alice: ',
  '<@111>',
  '<@!222>',
  '<@&1>',
  '<#999>',
  '<:e:1>',
  '<t:99999999999999:R>',
  '<@U111>',
  '<#C1|x>',
  '<!here>',
  '<https://ex.org|l>',
  'https://ex.org/_a_',
  '[l](https://ex.org)',
  '&amp;',
  '&lt;',
  '&#0;',
  '&#x1F600;',
  '\x02',
  '\x03',
  '\x0304,04',
  '\x0301,01',
  '\x04ff0000',
  '\x0f',
  '\x11',
  '\x16',
  '\x1d',
  '\x1e',
  '\x1f',
  '\x00',
  '\r',
  '<b>',
  '</b>',
  '<p>',
  '</p>',
  '<br>',
  '<pre><code class="language-x">',
  '</code></pre>',
  '<blockquote>',
  '<ul><li>',
  '<a href="https://matrix.to/#/@alice:example.org">',
  '<a href="javascript:x">',
  '</a>',
  '<span data-mx-spoiler>',
  '</span>',
  '<mx-reply>',
  '</mx-reply>',
  '<script>',
  '</script>',
  '<img onerror=x>',
  '<!--',
  '-->',
  '<![CDATA[',
  '😀',
  '👩‍👩‍👧',
  '\ud83d',
  '\ude00',
  '\u200b',
  '\u2e3b',
  '\ufdd0',
  'é',
  'ä',
];

const soup = fc
  .array(fc.oneof(fc.constantFrom(...tokens), anyChar), { maxLength: 80 })
  .map((parts) => parts.join(''));
const noise = fc.string({ unit: anyChar, maxLength: 200 });
const nesting = fc
  .tuple(
    fc.constantFrom(
      '**',
      '*',
      '_',
      '~~',
      '||',
      '>',
      '> ',
      '- ',
      '1. ',
      '<b>',
      '<blockquote>',
      '<ul><li>',
      '[',
      '`',
      '\x02',
      '<span data-mx-spoiler>',
    ),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([token, n]) => `${token.repeat(n)}x${token.repeat(n)}`);

const inputs = fc.oneof(soup, noise, nesting);

describe.each(markups)('%s parser under fuzzing', (from) => {
  it('never throws, and every renderer renders what it parsed', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const rich = converters[from].parse(input, { resolver: resolverFor(from) });
        for (const to of markups) {
          expect(typeof converters[to].render(rich, { resolver: resolverFor(to) })).toBe('string');
        }
      }),
      { numRuns: 150 },
    );
  });
});

const allowedTags = new Set([
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'p',
  'br',
  'a',
  'span',
]);
const allowedAttrs = new Set(['href', 'class', 'start', 'data-mx-spoiler']);

describe('rendered Matrix HTML', () => {
  it('holds only the tags and attributes the renderer writes, whatever came in', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...markups), (input, from) => {
        const html = converters['matrix-html'].render(converters[from].parse(input));
        for (const m of html.matchAll(/<\/?([^\s/>]+)([^>]*)>/g)) {
          expect(allowedTags.has(m[1] ?? '')).toBe(true);
          for (const attr of (m[2] ?? '').matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) {
            expect(allowedAttrs.has(attr[1] ?? '')).toBe(true);
            if (attr[1] === 'href') expect(attr[2]).toMatch(/^(https?|ftp|mailto|magnet|matrix):/i);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rendered IRC text', () => {
  it('never holds colour codes or carriage returns', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...markups), (input, from) => {
        expect(converters.irc.render(converters[from].parse(input))).not.toMatch(
          // eslint-disable-next-line no-control-regex -- IRC formatting codes are the point
          /[\x03\x04\r\x00]/,
        );
      }),
      { numRuns: 300 },
    );
  });
});
