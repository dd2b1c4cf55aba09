/**
 * parseSlack reads a line without markup characters as itself (a fast path for plain chat
 * lines): for such lines, and for lines that only look close to them, it must give exactly what
 * the full parse gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSlack, parseSlackMarkup } from '../../../src/bridges/format/slack.js';

// Plain characters and the ones a rule or a block starts on, so the property also meets lines
// just outside the fast path.
const alphabet = fc.constantFrom(
  ...'ab Z09.,;:!?()-/\'"é日😀#[]\\'.split(''),
  ...[
    ' ',
    '  ',
    '\t',
    '1. ',
    '2.',
    '*',
    '_',
    '~',
    '`',
    '<',
    '>',
    '&',
    '&amp;',
    '\n',
    '\r',
    '•',
    '◦',
    '▪',
    ' ',
  ],
);
const line = fc.array(alphabet, { maxLength: 24 }).map((parts) => parts.join(''));

describe('Slack parse of plain lines', () => {
  it('equals the full parse for any line', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(parseSlack(text)).toEqual(parseSlackMarkup(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a plain line as one paragraph of its text, spaces and punctuation included', () => {
    const text = ' general message 12 (final text), see #dev: "ok"? ';
    expect(parseSlack(text)).toEqual({
      blocks: [{ type: 'paragraph', children: [{ type: 'text', text }] }],
    });
    expect(parseSlackMarkup(text)).toEqual(parseSlack(text));
  });
});
