import { describe, expect, it } from 'vitest';
import { looksLikeLinkCode } from '../../../src/bridges/account-commands.js';
import {
  hashLinkCode,
  newLinkCode,
  normaliseLinkCode,
} from '../../../src/bridges/runtime/account-codes.js';

describe('link codes', () => {
  it('are ten symbols in two groups, random each time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newLinkCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(looksLikeLinkCode(code)).toBe(true);
    }
  });

  it('read the same however they are typed; look-alike letters count as digits', () => {
    const canonical = normaliseLinkCode('7KQ2X-9PD01');
    expect(canonical).toBe('7KQ2X9PD01');
    for (const typed of ['7kq2x-9pd01', '7KQ2X 9PDO1', ' 7kq2x9pdoi ', '7KQ2X-9PDOL'])
      expect(normaliseLinkCode(typed)).toBe(canonical);
    expect(normaliseLinkCode('7KQ2X-9PD0')).toBeUndefined(); // too short
    expect(normaliseLinkCode('7KQ2X-9PD0U')).toBeUndefined(); // U is not in the alphabet
    expect(looksLikeLinkCode('general')).toBe(false);
  });

  it('are stored as a hash that differs per code', () => {
    const a = hashLinkCode('7KQ2X9PD01');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toContain('7KQ2X9PD01');
    expect(hashLinkCode('7KQ2X9PD02')).not.toBe(a);
  });

  it('take every symbol from the random bytes (byte % 32)', () => {
    const bytes = Uint8Array.from([0, 31, 32, 255, 1, 2, 3, 4, 5, 6]);
    expect(newLinkCode(() => bytes)).toBe('0Z0Z1-23456');
  });
});
