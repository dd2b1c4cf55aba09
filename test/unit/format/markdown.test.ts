import { describe, expect, it } from 'vitest';
import { parseMarkdown, renderMarkdown } from '../../../src/bridges/format/index.js';
import type { RichText } from '../../../src/bridges/format/model.js';
import {
  alice,
  bold,
  br,
  code,
  doc,
  italic,
  link,
  mention,
  p,
  resolverFor,
  spoiler,
  t,
} from './fixtures.js';

const md = { resolver: resolverFor('markdown') };
const roundTrip = (text: RichText): RichText => parseMarkdown(renderMarkdown(text, md), md);

describe('canonical Markdown', () => {
  it('reads @username through the resolver and leaves unknown names, e-mail and code alone', () => {
    expect(parseMarkdown('@alice, @carol mail a@alice.org `@alice`', md)).toEqual(
      doc(p(mention(alice), t(', @carol mail a@alice.org '), code('@alice'))),
    );
  });

  it('pairs ||spoilers|| across formatting, but not escaped pipes or pipes in code', () => {
    expect(parseMarkdown('||a **b**|| \\|\\|no\\|\\| `x||y`', md)).toEqual(
      doc(p(spoiler(t('a '), bold(t('b'))), t(' ||no|| '), code('x||y'))),
    );
    expect(parseMarkdown('`a\\|b` ||open', md)).toEqual(doc(p(code('a\\|b'), t(' ||open'))));
  });

  it('treats a newline in a paragraph as a line break (chat convention) and headings as bold', () => {
    expect(parseMarkdown('# Title\n\na\nb', md)).toEqual(
      doc(p(bold(t('Title'))), p(t('a'), br, t('b'))),
    );
  });

  it('escapes text so markup characters survive', () => {
    const text = doc(p(t('*a* _b_ ~~c~~ ||d|| `e` [f](g) <h> &amp; \\ snake_case')));
    expect(renderMarkdown(text)).toBe(
      '\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\|\\|d\\|\\| \\`e\\` \\[f\\](g) \\<h> \\&amp; \\\\ snake_case',
    );
    expect(roundTrip(text)).toEqual(text);
  });

  it('escapes text that would start a block at the start of a line', () => {
    for (const line of ['# h', '- item', '+ item', '1. item', '2) item', '> q', '---', '===']) {
      const text = doc(p(t('x'), br, t(line)));
      expect(roundTrip(text)).toEqual(text);
    }
  });

  it('keeps an empty line inside a paragraph with a hard break', () => {
    const text = doc(p(t('a'), br, br, t('b')));
    expect(renderMarkdown(text)).toBe('a\n\\\nb');
    expect(roundTrip(text)).toEqual(text);
  });

  it('keeps whitespace outside emphasis so it still closes', () => {
    expect(renderMarkdown(doc(p(t('a'), bold(t(' b ')), t('c'))))).toBe('a **b** c');
  });

  it('chooses * for italics inside words and _ elsewhere', () => {
    const text = doc(p(t('un'), italic(t('believ')), t('able '), italic(t('word'))));
    expect(renderMarkdown(text)).toBe('un*believ*able _word_');
    expect(roundTrip(text)).toEqual(text);
  });

  it('writes link destinations that need it in <…>, and autolinks', () => {
    const text = doc(
      p(link('https://ex.org/a b(c)', t('x')), t(' '), link('https://ex.org', t('https://ex.org'))),
    );
    expect(renderMarkdown(text)).toBe('[x](<https://ex.org/a b(c)>) <https://ex.org>');
    expect(roundTrip(text)).toEqual(text);
  });

  it('uses a longer fence when code contains backticks', () => {
    const text = doc(p(code('a ` b')), { type: 'codeBlock', text: 'x\n```\ny' });
    expect(renderMarkdown(text)).toBe('``a ` b``\n\n````\nx\n```\ny\n````');
    expect(roundTrip(text)).toEqual(text);
  });

  it('keeps two adjacent lists apart by changing the marker', () => {
    const list = { type: 'list', ordered: false, items: [[p(t('a'))]] } as const;
    const text = doc(list, list);
    expect(renderMarkdown(text)).toBe('- a\n\n* a');
    expect(roundTrip(text)).toEqual(text);
  });

  it('writes a mention of someone without a username as @name', () => {
    expect(renderMarkdown(doc(p(mention({ id: 'x', name: 'Zed' }))), md)).toBe('@Zed');
  });
});
