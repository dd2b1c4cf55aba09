/**
 * How the PostgreSQL store tells an outage from a refusal (src/mapping/postgres/ride-out.ts):
 * what a restart or a lost connection causes reaches callers as StoreUnavailableError, which
 * the bridge runtime waits out (runtime/store-wait.ts); a refused statement or a refusal of the
 * credentials reaches them unchanged, so nothing retries what cannot succeed. The live restart
 * is test/reliability/pg-restart.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/mapping/index.js';
import { classified } from '../../../src/mapping/postgres/ride-out.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('PostgreSQL failures as the store reports them', () => {
  it.each([
    ['the server ended the connection (admin shutdown)', coded('57P01', 'terminating connection')],
    ['the server is starting up', coded('57P03', 'the database system is starting up')],
    ['connection refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', coded('ECONNRESET', 'read ECONNRESET')],
    ['a connection failure SQLSTATE', coded('08006', 'connection failure')],
    ['the socket closed under a statement', new Error('Connection terminated unexpectedly')],
    [
      'a client that saw its connection fail',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
  ])('%s: unavailable, the cause kept', (_, error) => {
    const out = classified(error);
    expect(out).toBeInstanceOf(StoreUnavailableError);
    expect((out as StoreUnavailableError).code).toBe('unavailable');
    expect((out as StoreUnavailableError).cause).toBe(error);
    expect((out as Error).message).toContain(error.message);
  });

  it.each([
    ['a unique constraint violation', coded('23505', 'duplicate key value violates unique')],
    ['a foreign key violation', coded('23503', 'violates foreign key constraint')],
    ['a syntax error', coded('42601', 'syntax error at or near')],
    ['a wrong password', coded('28P01', 'password authentication failed')],
    ['a missing database', coded('3D000', 'database "x" does not exist')],
    ['a pool closed by us', new Error('Cannot use a pool after calling end on the pool')],
  ])('%s: passed on unchanged', (_, error) => {
    expect(classified(error)).toBe(error);
  });

  it('does not wrap twice', () => {
    const once = classified(coded('57P01'));
    expect(classified(once)).toBe(once);
  });
});
