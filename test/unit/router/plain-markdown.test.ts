import { describe, expect, it } from 'vitest';
import { converterFor } from '../../../src/bridges/format/index.js';
import { plainMarkdown } from '../../../src/bridges/runtime/plain-markdown.js';

const parse = (text: string) =>
  converterFor('markdown').parse(text, {
    resolver: { toUser: () => undefined, toNetwork: () => undefined },
    mentionNames: [],
  });

describe('plain lines skip the Markdown parser with the same result', () => {
  const plain = [
    'hello',
    'mc-s3',
    'Hello there, how are you?',
    'ça va bien (et toi) 100% sûr',
    'it\'s a "quote" and a/b + c = d; done.',
    'Привет мир',
    'e-mail-like but no at sign.com',
  ];
  it.each(plain)('%j is taken as plain and equals the full parse', (text) => {
    const fast = plainMarkdown(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  const markup = [
    '*bold*',
    'a _b_ c',
    'x ~~y~~',
    'a ||spoiler||',
    'hi @ada',
    '# title',
    '- item',
    '1. first',
    'a [link](http://x.y)',
    'see <http://x.y>',
    'see http://x.y',
    'a &amp; b',
    'code `x`',
    'a\\*b',
    'two  spaces',
    'line\nbreak',
    ' leading',
    'trailing ',
    'a\tb',
    'wow!',
    '',
  ];
  it.each(markup)('%j takes the full parse', (text) => {
    expect(plainMarkdown(text)).toBeUndefined();
  });
});

describe('plain-line fast path against the parser on generated lines', () => {
  it('every generated line it takes as plain parses to the same rich text', () => {
    // Deterministic: a small LCG picks characters, the risky ones included often.
    const alphabet = [...'aZé9 .,;?\'"()/%+=-*_~|@#&<>[]!:`\\', 'ж', '\t'];
    let seed = 24;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let taken = 0;
    for (let i = 0; i < 3000; i++) {
      const length = 1 + Math.floor(next() * 12);
      let text = '';
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(next() * alphabet.length)];
      const fast = plainMarkdown(text);
      if (fast === undefined) continue;
      taken += 1;
      expect(fast, JSON.stringify(text)).toEqual(parse(text));
    }
    expect(taken).toBeGreaterThan(50); // the generator does reach the fast path
  });
});
