import { describe, expect, it } from 'vitest';
import { converters, measure, splitRichText } from '../../../src/bridges/format/index.js';
import type { Block } from '../../../src/bridges/format/model.js';
import { doc, p, t } from './fixtures.js';

const code = Array.from({ length: 120 }, (_, i) => `line ${i} = compute(${i}) < limit;`).join('\n');
const message = doc(
  p(t('intro '.repeat(30))),
  { type: 'codeBlock', lang: 'ts', text: code },
  p(t('outro')),
);

describe('splitRichText', () => {
  for (const name of ['discord', 'slack', 'markdown', 'matrix-html'] as const) {
    it(`keeps ${name} parts within the limit and every code fence whole`, () => {
      const { parse, render } = converters[name];
      const parts = splitRichText(message, (text) => render(text), 1000);
      expect(parts.length).toBeGreaterThan(2);
      for (const part of parts) expect(measure(part, 'chars')).toBeLessThanOrEqual(1000);
      // Each part parses on its own; together their code blocks hold the original code.
      const blocks: Block[] = parts.flatMap((part) => [...parse(part).blocks]);
      const codeText = blocks.flatMap((b) => (b.type === 'codeBlock' ? [b.text] : [])).join('\n');
      expect(codeText).toBe(code);
      expect(blocks.at(-1)).toEqual(p(t('outro')));
    });
  }

  it('keeps short messages in one part', () => {
    expect(splitRichText(doc(p(t('a')), p(t('b'))), converters.discord.render, 2000)).toEqual([
      'a\n\nb',
    ]);
  });

  it('cuts a single over-long paragraph as splitText does', () => {
    const parts = splitRichText(doc(p(t('word '.repeat(100)))), converters.discord.render, 64);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(64);
    expect(parts.join(' ').trim()).toBe('word '.repeat(100).trim());
  });
});
