/**
 * The PostgreSQL store's wait for a restarting server (src/mapping/postgres/ride-out.ts): a
 * connect refused while the server restarts is tried again until it works or the window ends;
 * a refusal of the credentials or the database fails at once. The live restart is
 * test/reliability/pg-restart.test.ts.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  connectRidingOut,
  isConnectionLoss,
  isTransient,
} from '../../../src/mapping/postgres/ride-out.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

/** A pool whose connect() fails with `failures` in turn, then succeeds. */
function poolFailing(failures: Error[]) {
  const client = { release: () => undefined } as unknown as pg.PoolClient;
  let calls = 0;
  const pool = {
    connect: async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return client;
    },
  } as unknown as pg.Pool;
  return { pool, client, calls: () => calls };
}

describe('waiting out a PostgreSQL restart', () => {
  it('tells restart failures from refusals', () => {
    expect(isTransient(coded('ECONNREFUSED'))).toBe(true);
    expect(isTransient(coded('57P03', 'the database system is starting up'))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(coded('28P01', 'password authentication failed'))).toBe(false);
    expect(isTransient(coded('3D000', 'database "x" does not exist'))).toBe(false);
    expect(isTransient(new Error('Cannot use a pool after calling end on the pool'))).toBe(false);
  });

  it('drops a connection after a connection failure, keeps it after a refused statement', () => {
    expect(isConnectionLoss(coded('23505', 'duplicate key'))).toBe(false);
    expect(isConnectionLoss(coded('42P01', 'relation does not exist'))).toBe(false);
    expect(isConnectionLoss(coded('57P01', 'terminating connection'))).toBe(true);
    expect(isConnectionLoss(coded('ECONNRESET'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('connects once the server is back', async () => {
    const p = poolFailing([coded('ECONNREFUSED'), coded('57P03'), coded('ECONNREFUSED')]);
    await expect(connectRidingOut(p.pool, 5_000)).resolves.toBe(p.client);
    expect(p.calls()).toBe(4);
  });

  it('fails at once on a refusal, and with the last failure when the window ends', async () => {
    const auth = poolFailing([coded('28P01', 'password authentication failed')]);
    await expect(connectRidingOut(auth.pool, 5_000)).rejects.toThrow('password authentication');
    expect(auth.calls()).toBe(1);
    const down = poolFailing(Array.from({ length: 100 }, () => coded('ECONNREFUSED')));
    await expect(connectRidingOut(down.pool, 120)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(down.calls()).toBeGreaterThan(1);
    expect(down.calls()).toBeLessThan(100);
  });
});
