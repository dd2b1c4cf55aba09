/**
 * `multichat doctor` with the mapping store on PostgreSQL (issue 21): it connects to store.url
 * and reads the schema version, naming a server that does not answer, a schema newer than this
 * build, and one not created yet, without ever printing the password of the URL.
 * Without PostgreSQL the suite is skipped — except in CI, where that is a failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/gateway/cli/main.js';
import { expectedPostgresVersion } from '../../src/gateway/doctor/postgres.js';
import { createMappingStore } from '../../src/mapping/index.js';
import { freePort } from '../peers/free-port.js';
import { findPostgresBin, startPostgres, type PostgresPeer } from '../peers/postgres.js';

const bin = findPostgresBin();
let dir: string;
let peer: PostgresPeer | undefined;

async function doctor(url: string) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(
    file,
    [
      `node: { dataDir: ${join(dir, 'data')}, listen: ["/ip4/127.0.0.1/tcp/${await freePort()}"], mdns: false }`,
      `http: { port: ${await freePort()} }`,
      `store: { kind: postgres, url: "${url}" }`,
      '',
    ].join('\n'),
  );
  const out: string[] = [];
  const code = await main(['doctor', '--config', file], {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    env: {},
  });
  const line = out.find((l) => /^\S+\s+postgres: /.test(l));
  return { code, text: out.join('\n'), line, fix: out[out.indexOf(line ?? '') + 1] };
}

/** The test URL with a password in it (trust auth ignores it), to see it is never printed. */
const withPassword = (url: string) => url.replace('://', '://doctor:s3cret-pw@');

if (!bin && process.env.CI === 'true') {
  throw new Error('PostgreSQL binaries are missing in CI: run .ci/install-postgres.sh first');
}

if (!bin) {
  describe('multichat doctor: postgres', () => {
    it.skip('skipped: PostgreSQL is not installed (apt-get install postgresql, or .ci/install-postgres.sh)', () => {});
  });
} else {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mc-doctor-pg-'));
    peer = await startPostgres();
  }, 90_000);
  afterAll(async () => {
    await peer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('multichat doctor: postgres', () => {
    it('a migrated database passes with its version; an empty one is created on start', async () => {
      const url = await peer!.createDatabase('doctor_ok');
      const store = await createMappingStore({ kind: 'postgres', url });
      await store.init();
      await store.close();
      const res = await doctor(url);
      expect(res.line).toMatch(
        new RegExp(
          `^ok\\s+postgres: .*connected; schema at version ${expectedPostgresVersion} \\(expected ${expectedPostgresVersion}\\)$`,
        ),
      );
      expect(res.code, res.text).toBe(0);

      const empty = await doctor(await peer!.createDatabase('doctor_empty'));
      expect(empty.line).toMatch(/^ok\s+postgres: .*schema not created yet/);
    });

    it('a schema newer than this build fails with the fix, exit 1', async () => {
      const url = await peer!.createDatabase('doctor_new');
      const store = await createMappingStore({ kind: 'postgres', url });
      await store.init();
      await store.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(
        "INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)",
      );
      await client.end();
      const res = await doctor(url);
      expect(res.line).toMatch(
        new RegExp(
          `^FAIL\\s+postgres: .*schema at version 999 is newer than this build's ${expectedPostgresVersion}`,
        ),
      );
      expect(res.fix).toMatch(/fix: run the multichat version that migrated this database/);
      expect(res.code).toBe(1);
    });

    it('a server that does not answer fails with what to check, and the password is not shown', async () => {
      const port = await freePort();
      const res = await doctor(withPassword(`postgres://127.0.0.1:${port}/nothing`));
      expect(res.line).toMatch(
        new RegExp(
          `^FAIL\\s+postgres: postgres://\\*\\*\\*@127\\.0\\.0\\.1:${port}/nothing: cannot connect: .*ECONNREFUSED`,
        ),
      );
      expect(res.fix).toMatch(/fix: check store\.url/);
      expect(res.code).toBe(1);
      expect(res.text).not.toContain('s3cret-pw');
    });
  });
}
