/**
 * `multichat matrix-registration` and the start-time comparison of config and registration.
 * In-process through the CLI's `main`, no homeserver needed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  readMatrixConfig,
  RegistrationMismatchError,
  verifyRegistration,
} from '../../src/bridges/matrix/index.js';
import { main } from '../../src/gateway/cli/main.js';
import { startGatewayProcess } from './matrix-setup.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-matrix-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, matrix: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({ node: { dataDir: join(dir, 'data') }, bridges: { matrix } }),
  );
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (l) => (out += `${l}\n`),
    err: (l) => (err += `${l}\n`),
    env: {},
  });
  return { code, out, err };
}

const matrix = {
  homeserverUrl: 'http://127.0.0.1:8008',
  domain: 'example.org',
  registration: join(dir, 'registration.yaml'),
  listen: { host: '127.0.0.1', port: 9123 },
  userPrefix: 'mc_',
};

describe('multichat matrix-registration', () => {
  it('writes the registration (mode 0600) with the fields the homeserver needs', async () => {
    const config = writeConfig('a.yaml', matrix);
    const res = await cli([
      'matrix-registration',
      '--config',
      config,
      '--out',
      matrix.registration,
    ]);
    expect(res.code).toBe(0);
    expect(statSync(matrix.registration).mode & 0o777).toBe(0o600);
    const reg = parse(readFileSync(matrix.registration, 'utf8')) as Record<string, unknown>;
    expect(reg).toMatchObject({
      id: 'multichat',
      url: 'http://127.0.0.1:9123',
      sender_localpart: 'multichat',
      rate_limited: false,
      receive_ephemeral: true,
      namespaces: {
        users: [{ regex: '@mc_.*:example\\.org', exclusive: true }],
        aliases: [{ regex: '#mc_.*:example\\.org', exclusive: true }],
      },
    });
    expect(reg['as_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reg['hs_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reg['as_token']).not.toBe(reg['hs_token']);
    await expect(verifyRegistration(readMatrixConfig(matrix))).resolves.toMatchObject({
      id: 'multichat',
    });
  });

  it('keeps the tokens when re-run after a config change, and start-up names the field that drifted', async () => {
    const before = parse(readFileSync(matrix.registration, 'utf8')) as Record<string, string>;
    const moved = { ...matrix, listen: { host: '127.0.0.1', port: 9124 } };
    await expect(verifyRegistration(readMatrixConfig(moved))).rejects.toThrow(
      RegistrationMismatchError,
    );
    await expect(verifyRegistration(readMatrixConfig(moved))).rejects.toThrow(
      /"url".*http:\/\/127\.0\.0\.1:9124.*http:\/\/127\.0\.0\.1:9123/,
    );
    await expect(
      verifyRegistration(readMatrixConfig({ ...matrix, userPrefix: 'other_' })),
    ).rejects.toThrow(/"namespaces.users"/);
    const res = await cli([
      'matrix-registration',
      '--config',
      writeConfig('b.yaml', moved),
      '--out',
      matrix.registration,
    ]);
    expect(res.code).toBe(0);
    expect(res.err).toContain('tokens kept');
    const after = parse(readFileSync(matrix.registration, 'utf8')) as Record<string, string>;
    expect(after['url']).toBe('http://127.0.0.1:9124');
    expect([after['as_token'], after['hs_token']]).toEqual([
      before['as_token'],
      before['hs_token'],
    ]);
    await expect(verifyRegistration(readMatrixConfig(moved))).resolves.toBeDefined();
  });

  it('prints to stdout without --out, and exits 2 without a bridges.matrix section', async () => {
    const res = await cli(['matrix-registration', '--config', writeConfig('c.yaml', matrix)]);
    expect(res.code).toBe(0);
    expect(parse(res.out)).toMatchObject({ sender_localpart: 'multichat' });
    const none = join(dir, 'none.yaml');
    writeFileSync(none, 'http: { port: 0 }\n');
    const refused = await cli(['matrix-registration', '--config', none]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('bridges.matrix');
  });

  it('keeps `multichat start` from running when the registration disagrees, naming the field', async () => {
    const drifted = { ...matrix, listen: { host: '127.0.0.1', port: 9999 } };
    await expect(startGatewayProcess({ bridges: { matrix: drifted } })).rejects.toThrow(
      /exited with 1[\s\S]*disagrees with the gateway config on "url"/,
    );
  }, 60_000);
});
