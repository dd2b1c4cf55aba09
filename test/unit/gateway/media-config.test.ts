/**
 * The top-level `media:` section: the fetch policy every bridge gets. Defaults refuse every
 * internal address; a bad allow-list entry is refused at load, naming the entry.
 */
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, parseConfig } from '../../../src/gateway/config/index.js';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('media config', () => {
  it('defaults to 25 MiB, 30 s, no private addresses and an empty allow-list', () => {
    expect(parseConfig({}, {}).media).toEqual({
      maxBytes: 26_214_400,
      allowPrivateAddresses: false,
      allow: [],
      timeoutMs: 30_000,
    });
  });

  it('takes addresses, CIDR ranges and host names in the allow-list', () => {
    const allow = ['10.1.2.3', '10.0.0.0/8', 'fd00::/8', 'files.intranet'];
    expect(parseConfig({ media: { allow } }, {}).media.allow).toEqual(allow);
  });

  it('refuses a bad allow entry, a wrong type and an unknown key, naming them', () => {
    const problems = problemsOf({
      media: { allow: ['10.0.0.0/40', 'http://x/'], allowPrivateAddresses: 'yes', maxbytes: 1 },
    });
    expect(problems.join('\n')).toMatch(/media\.allow\[0\].*prefix length must be 0 to 32/);
    expect(problems.join('\n')).toMatch(/media\.allow\[1\].*"http:\/\/x\/"/);
    expect(problems.join('\n')).toMatch(/media\.allowPrivateAddresses/);
    expect(problems.join('\n')).toMatch(/media\.maxbytes.*media\.maxBytes/);
  });
});
