/**
 * A mapping store whose chosen calls fail the way a PostgreSQL restart makes them fail
 * (StoreUnavailableError, as src/mapping/postgres/database.ts reports it) or with a refused
 * statement. `before`: the call never reaches the store; `after`: it is applied and then the
 * answer is lost (a commit that went through on a connection that died before replying).
 */
import { StoreUnavailableError } from '../../../src/mapping/index.js';
import type { MappingStore } from '../../../src/mapping/types.js';

export type FaultMode = 'before' | 'after';

interface Fault {
  remaining: number;
  readonly mode: FaultMode;
  readonly error: () => Error;
}

export interface FaultyStore {
  /** Give to the harness's `wrapStore`. */
  readonly wrap: (store: MappingStore) => MappingStore;
  /** The next `times` calls of `method` (`repo.method` or `lookupInbound`) fail. */
  fail(method: string, times: number, mode?: FaultMode, error?: () => Error): void;
  /** Every call of `method` fails until `restore(method)`. */
  down(method: string): void;
  restore(method: string): void;
  /** Calls of `method` so far (failed ones included). */
  calls(method: string): number;
  /** Failed calls of `method` so far. */
  failures(method: string): number;
}

const REPOS = ['identities', 'links', 'messages', 'outbox', 'cursors', 'memos'] as const;

/** What pg reports for a connection the server ended, wrapped as the store wraps it. */
export const lostConnection = (): Error =>
  new StoreUnavailableError(new Error('Connection terminated unexpectedly'));

/** A refused statement: trying again would not change it. */
export const constraintViolation = (): Error =>
  Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });

export function faultyStore(): FaultyStore {
  const faults = new Map<string, Fault>();
  const calls = new Map<string, number>();
  const failures = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

  const guarded =
    (name: string, fn: (...a: unknown[]) => unknown, self: object) =>
    async (...args: unknown[]) => {
      bump(calls, name);
      const fault = faults.get(name);
      if (!fault || fault.remaining <= 0) return fn.apply(self, args);
      fault.remaining--;
      bump(failures, name);
      if (fault.mode === 'after') await fn.apply(self, args);
      throw fault.error();
    };
  const wrapRepo = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return guarded(`${name}.${String(key)}`, value as (...a: unknown[]) => unknown, target);
      },
    });

  return {
    wrap(store) {
      const own: Record<string, unknown> = Object.fromEntries(
        REPOS.map((r) => [r, wrapRepo(r, store[r])]),
      );
      own['lookupInbound'] = guarded(
        'lookupInbound',
        store.lookupInbound as (...a: unknown[]) => unknown,
        store,
      );
      return new Proxy(store, {
        get: (target, key, receiver) =>
          typeof key === 'string' && key in own ? own[key] : Reflect.get(target, key, receiver),
      });
    },
    fail(method, times, mode = 'before', error = lostConnection) {
      faults.set(method, { remaining: times, mode, error });
    },
    down(method) {
      faults.set(method, { remaining: Infinity, mode: 'before', error: lostConnection });
    },
    restore(method) {
      faults.delete(method);
    },
    calls: (method) => calls.get(method) ?? 0,
    failures: (method) => failures.get(method) ?? 0,
  };
}
