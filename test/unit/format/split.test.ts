import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SplitLimitError,
  measure,
  splitIrcLines,
  splitText,
} from '../../../src/bridges/format/index.js';
import type { SplitUnit } from '../../../src/bridges/format/index.js';

/**
 * Checks that `parts` are `original` in order, where each cut either drops nothing (a hard cut)
 * or drops one whole run of spaces and newlines (a cut at a blank, or a blank part not sent).
 */
function expectRejoins(original: string, parts: readonly string[]): void {
  const blankRunEnd = (pos: number): number => {
    let end = pos;
    while (original[end] === ' ' || original[end] === '\n') end++;
    return end;
  };
  const seen = new Set<string>();
  const fits = (k: number, pos: number): boolean => {
    if (seen.has(`${k}:${pos}`)) return false;
    seen.add(`${k}:${pos}`);
    const part = parts[k];
    if (part === undefined) return pos === original.length || blankRunEnd(pos) === original.length;
    if (original.startsWith(part, pos) && fits(k + 1, pos + part.length)) return true;
    const skipped = blankRunEnd(pos);
    return (
      skipped > pos && original.startsWith(part, skipped) && fits(k + 1, skipped + part.length)
    );
  };
  expect(fits(0, 0)).toBe(true);
}

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '\n', 'a', 'é', '€', '😀', '👩‍👩‍👧', '\ud83d', '\ude00'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 300,
});

describe('splitText', () => {
  it('keeps every part within the limit and loses nothing but the chosen separators', () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 4, max: 64 }),
        fc.constantFrom<SplitUnit>('bytes', 'chars'),
        (input, limit, unit) => {
          const parts = splitText(input, limit, unit);
          for (const part of parts) {
            expect(unit === 'bytes' ? Buffer.byteLength(part) : part.length).toBeLessThanOrEqual(
              limit,
            );
            expect(part).toMatch(/[^ \n]/);
          }
          expectRejoins(input, parts);
          // Never between the two halves of a surrogate pair of the input. (Two parts may still
          // meet as halves when the blanks that stood between them in the input were dropped.)
          let offset = 0;
          parts.forEach((part, k) => {
            const start = input.indexOf(part, offset);
            offset = start + part.length;
            const next = parts[k + 1];
            if (next === undefined || input.indexOf(next, offset) !== offset) return;
            const cutInPair = /[\ud800-\udbff]$/.test(part) && /^[\udc00-\udfff]/.test(next);
            expect(cutInPair).toBe(false);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('measures bytes as UTF-8 does', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(measure(input, 'bytes')).toBe(Buffer.byteLength(input));
      }),
      { numRuns: 300 },
    );
  });

  it('prefers a newline, then a space, then a hard cut', () => {
    expect(splitText('aaa bbb\nccc ddd', 12)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(splitText('aaa bbb ccc', 9)).toEqual(['aaa bbb', 'ccc']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('😀😀😀', 5)).toEqual(['😀', '😀', '😀']);
    expect(splitText('😀😀😀', 4, 'chars')).toEqual(['😀😀', '😀']);
  });

  it('gives no part for empty text and refuses limits that cannot hold a character', () => {
    expect(splitText('', 10)).toEqual([]);
    expect(splitText(' \n \n ', 4)).toEqual([]);
    expect(splitText('abcd  \n  efgh', 4)).toEqual(['abcd', 'efgh']);
    expect(() => splitText('abc', 3)).toThrow(SplitLimitError);
    expect(() => splitText('abc', 1, 'chars')).toThrow(SplitLimitError);
  });
});

describe('splitIrcLines', () => {
  it('splits per line, drops empty lines and keeps each line within the byte limit', () => {
    const lines = splitIrcLines(`one\n\n${'word '.repeat(40)}\n\x02\x02\nlast`, 50);
    expect(lines[0]).toBe('one');
    expect(lines.at(-1)).toBe('last');
    expect(lines).not.toContain('');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(50);
    // eslint-disable-next-line no-control-regex -- IRC formatting codes are the point
    expect(lines.slice(1, -1).join(' ').replace(/\x02/g, '').trim()).toBe(
      'word '.repeat(40).trim(),
    );
  });

  it('reopens formatting that was open at a cut', () => {
    const lines = splitIrcLines(`\x02${'bold '.repeat(20)}\x02 after`, 40);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.startsWith('\x02')).toBe(true);
  });

  it('keeps every line within the limit for any input', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 16, max: 80 }), (input, max) => {
        for (const line of splitIrcLines(input, max))
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(max);
      }),
      { numRuns: 300 },
    );
  });
});
