import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/gateway/cli/main.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-config-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(yaml: string, env: Record<string, string> = {}) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['config', 'check', file], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env,
  });
  return { code, out, err: err.join('\n') };
}

describe('multichat config check (issue 21)', () => {
  it('lists every missing variable and every schema problem in one run, exit 2', async () => {
    const res = await check(
      [
        'http: { port: 99999, adminToken: "${ADMIN_TOKEN}", prot: 1 }',
        'log: { level: loud }',
        'bridges:',
        '  discord: { token: "${DISCORD_TOKEN}" }',
        '  slack: { botToken: "${SLACK_BOT_TOKEN}", appToken: "${SLACK_APP_TOKEN}" }',
        '',
      ].join('\n'),
    );
    expect(res.code).toBe(2);
    for (const variable of ['ADMIN_TOKEN', 'DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) {
      expect(res.err).toContain(`environment variable ${variable} is not set`);
    }
    expect(res.err).toContain('http.port');
    expect(res.err).toMatch(/unknown key http\.prot — did you mean http\.port\?/);
    expect(res.err).toContain('log.level');
    // An unset variable is reported as such, not again as an empty token.
    expect(res.err).not.toMatch(/bridges\.discord\.token: (?!environment)/);
    expect(res.err.split('\n')[0]).toMatch(/: 7 problems:$/);
  });

  it('a clean config (variables set) is ok, exit 0', async () => {
    const res = await check('bridges: { discord: { token: "${DISCORD_TOKEN}" } }\n', {
      DISCORD_TOKEN: 'a-token',
    });
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out[0]).toMatch(/: ok$/);
  });

  it('bad YAML and a missing file are problems too', async () => {
    expect((await check('node: [unclosed\n')).err).toContain('not valid YAML');
    const out: string[] = [];
    const code = await main(['config', 'check', join(dir, 'nope.yaml')], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: {},
    });
    expect([code, out.join('\n')]).toEqual([2, expect.stringContaining('cannot read')]);
  });
});
