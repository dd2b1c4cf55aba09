/**
 * Tokens handed to people are typed on command lines (`multichat user list --token …`): one that
 * starts with `-` is read as a flag there (CI once drew one: the cli-users case exited 2).
 */
import { describe, expect, it } from 'vitest';
import { newSecretToken } from '../../../src/core/secret-token.js';
import { main } from '../../../src/gateway/cli/main.js';

describe('newSecretToken', () => {
  it('gives 43 base64url characters, none starting with "-" (2,000 draws; ~31 would without the re-draw)', () => {
    const tokens = Array.from({ length: 2_000 }, () => newSecretToken());
    expect(tokens.every((t) => /^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/.test(t))).toBe(true);
    expect(new Set(tokens).size).toBe(2_000);
  });

  it('why: the command line refuses a token starting with "-" after --token', async () => {
    const err: string[] = [];
    const code = await main(['user', 'list', '--url', 'http://127.0.0.1:9', '--token', '-x'], {
      out: () => undefined,
      err: (l) => err.push(l),
      env: {},
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/--token=-XYZ/);
  });
});
