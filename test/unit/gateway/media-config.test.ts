/**
 * The top-level `media:` section: the fetch policy every bridge gets. Defaults refuse every
 * internal address; a bad allow-list entry is refused at load, naming the entry.
 */
import { describe, expect, it } from 'vitest';
import { mediaOptionSchema } from '../../../src/bridges/config-schema.js';
import { parseConfig } from '../../../src/gateway/config/index.js';
import { configProblems as problemsOf } from '../../support/config-problems.js';

describe('media config', () => {
  it('defaults to 25 MiB, 30 s, 5 redirects, no private addresses, an empty allow-list and no publicUrl', () => {
    expect(parseConfig({}, {}).media).toEqual({
      maxBytes: 26_214_400,
      allowPrivateAddresses: false,
      allow: [],
      timeoutMs: 30_000,
      maxRedirects: 5,
    });
  });

  it('takes publicUrl as an http(s) URL and refuses anything else, naming the key', () => {
    const publicUrl = 'https://chat.example.org/gateway';
    expect(parseConfig({ media: { publicUrl } }, {}).media).toMatchObject({
      publicUrl,
      maxBytes: 26_214_400,
    });
    for (const bad of ['ftp://chat.example.org/', 'chat.example.org', 42])
      expect(problemsOf({ media: { publicUrl: bad } }).join('\n')).toMatch(/^media\.publicUrl: /);
  });

  it('is the same schema an adapter reads its media key with (no defaults there)', () => {
    const written = { maxBytes: 1_000, allow: ['10.0.0.0/8'], publicUrl: 'http://127.0.0.1:8080' };
    expect(mediaOptionSchema.parse(undefined)).toEqual({});
    expect(mediaOptionSchema.parse(written)).toEqual(written);
    expect(parseConfig({ media: written }, {}).media).toMatchObject(written);
    expect(mediaOptionSchema.safeParse({ allow: ['10.0.0.0/40'] }).error?.issues[0]).toMatchObject({
      path: ['allow', 0],
      message: expect.stringMatching(/prefix length must be 0 to 32/),
    });
    expect(mediaOptionSchema.safeParse({ maxbytes: 1 }).success).toBe(false);
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
