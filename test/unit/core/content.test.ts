/** Content blobs: the text length a peer's message declares is read from the blob's header. */
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../../src/core/encoding.js';
import { contentTextLength, makeContent, utf8Length } from '../../../src/core/resources.js';

describe('content blob length', () => {
  it('reads the UTF-8 length of every size of text, multi-byte characters included', () => {
    for (const text of [
      '',
      'hi',
      'x'.repeat(23),
      'y'.repeat(24),
      'é😀'.repeat(100),
      'z'.repeat(70_000),
    ]) {
      expect(contentTextLength(makeContent(text).bytes)).toBe(utf8Length(text));
    }
  });

  it('accepts any salt length but refuses extra keys, invalid UTF-8 and trailing bytes', () => {
    expect(contentTextLength(encodeCanonical({ n: new Uint8Array(8), t: 'abc' }))).toBe(3);
    expect(
      contentTextLength(encodeCanonical({ n: new Uint8Array(16), t: 'ok', x: 1 })),
    ).toBeUndefined();
    const invalid = new Uint8Array(makeContent('ab').bytes);
    invalid[invalid.length - 1] = 0xff;
    expect(contentTextLength(invalid)).toBeUndefined();
    expect(contentTextLength(new Uint8Array([...makeContent('ab').bytes, 0]))).toBeUndefined();
    expect(contentTextLength(encodeCanonical({ t: 'no salt' }))).toBeUndefined();
  });
});
