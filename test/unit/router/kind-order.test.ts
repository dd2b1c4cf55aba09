/**
 * An edit, then a reaction, then a reply, emitted back to back at one target (as the Matrix
 * adapter does for a room), reach the other network in that order even when the edit's own
 * async steps are the slow ones: its store look-ups before the core commit, or its fan-out's
 * enqueue after it. The delay is injected into the store the runtime is given; the check is the
 * order of the calls the other network saw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { MappingStore, NetworkName } from '../../../src/mapping/types.js';
import type { ExternalMessageId, ExternalUserId } from '../../../src/bridges/types.js';
import { eventually } from '../../support/eventually.js';
import { startHarness } from './harness.js';

const main = { channel: 'main' };
const atB = targetKeyOf('b' as NetworkName, main);
const REPOS = ['identities', 'links', 'messages', 'outbox', 'cursors', 'memos'] as const;

/** The store with every call made while `slowFor(method)` is > 0 held back that many ms. */
function slowed(store: MappingStore, slowFor: (method: string) => number): MappingStore {
  const held =
    (name: string, fn: (...a: unknown[]) => unknown, self: object) =>
    async (...args: unknown[]) => {
      const ms = slowFor(name);
      if (ms > 0) await sleep(ms);
      return fn.apply(self, args);
    };
  const wrap = (name: string, repo: object): object =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return held(`${name}.${String(key)}`, value as (...a: unknown[]) => unknown, target);
      },
    });
  const repos: Record<string, unknown> = Object.fromEntries(
    REPOS.map((r) => [r, wrap(r, store[r])]),
  );
  repos['lookupInbound'] = held('lookupInbound', store.lookupInbound as never, store);
  return new Proxy(store, {
    get: (target, key, receiver) =>
      typeof key === 'string' && key in repos ? repos[key] : Reflect.get(target, key, receiver),
  });
}

/**
 * The one store call that is the edit's own slow step: the first resolve look-up after the
 * edit is emitted (the edit is emitted first, so under a broken order the reaction's look-up
 * would be the second one, not held), or the first link list after the edit is in the core (the
 * start of its fan-out enqueue).
 */
const SLOW_STEP = { 'edit-inbound': 'lookupInbound', 'edit-fanout': 'links.listByChannel' };
type SlowPhase = keyof typeof SLOW_STEP;

describe('order of different kinds of events at one target', () => {
  for (const slowPhase of Object.keys(SLOW_STEP) as SlowPhase[]) {
    it(`keeps edit → reaction → reply when the ${slowPhase} step is slow`, async () => {
      let armed = false;
      const h = await startHarness([{ name: 'a' }, { name: 'b' }], {
        wrapStore: (s) =>
          slowed(s, (method) => {
            if (!armed || method !== SLOW_STEP[slowPhase]) return 0;
            armed = false;
            return 150;
          }),
      });
      const a = h.adapter('a');
      const first = await a.receive(main, 'bob', 'the vault code is 4711');
      await h.settle();
      const b = h.networks.get('b')!;
      const callsBefore = b.calls.length;

      // Armed at the edit's emit (its resolve) or at its core event (its fan-out).
      const offEdit = h.node.on('edit', () => {
        if (slowPhase === 'edit-fanout') armed = true;
      });
      if (slowPhase === 'edit-inbound') armed = true;
      const sender = { externalId: 'bob' as ExternalUserId, displayName: 'bob' };
      // Emitted without waiting in between, like an adapter handing over a room's events.
      const emitted = [
        a.inject({ kind: 'edit', target: main, sender, externalId: first, text: '4712' }),
        a.inject({
          kind: 'reaction',
          target: main,
          sender,
          externalId: first,
          emoji: '👍',
          added: true,
        }),
        a.inject({
          kind: 'message',
          target: main,
          sender,
          externalId: 'a-reply' as ExternalMessageId,
          text: 'and change it monthly',
          replyTo: first,
        }),
      ];
      await Promise.all(emitted);
      await eventually(() => b.calls.length >= callsBefore + 3, { what: 'three calls on b' });
      offEdit();
      expect(armed, 'the slow step was reached').toBe(false);
      await h.settle();

      expect(b.calls.slice(callsBefore).map((c) => [c.kind, c.outcome])).toEqual([
        ['edit', 'ok'],
        ['react', 'ok'],
        ['send', 'ok'],
      ]);
      const [copy, reply] = b.at(atB);
      expect(copy?.text).toBe('4712');
      expect([...(copy?.reactions ?? [])]).toEqual(['bob:👍']);
      expect(reply?.text).toBe('and change it monthly');
      expect(reply?.replyTo).toBe(copy?.id);
    });
  }
});
