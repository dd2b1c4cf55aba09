/**
 * Store round trips per inbound message on the hot path (issue 16; docs/architecture.md):
 * one message from a person the gateway knows already, at a linked target. Every call the
 * runtime makes to the mapping store is recorded by a Proxy around the store's repos; core
 * store transactions are read from the node's per-intent transaction counters.
 *
 * The expected numbers are today's, asserted exactly as a regression guard: a change that
 * lowers them (the issue aims at <= 2 round trips in all) updates this test and the doc.
 */
import { describe, expect, it } from 'vitest';
import type { MappingStore } from '../../../src/mapping/types.js';
import { startHarness } from './harness.js';

const REPOS = ['identities', 'links', 'messages', 'outbox', 'cursors'] as const;

interface Call {
  readonly method: string;
  /** Made by the inbound handler (runtime/inbound.ts on the stack), not by fan-out or worker. */
  readonly inbound: boolean;
}

/** The store with each repo method recording its calls into `calls` while `on()` is true. */
function counting(store: MappingStore, calls: Call[], on: () => boolean): MappingStore {
  const wrap = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (on()) {
            // Async stack traces name the awaiting InboundHandler frames; keep enough of them.
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 50;
            const stack = new Error().stack ?? '';
            Error.stackTraceLimit = limit;
            calls.push({ method: `${name}.${String(key)}`, inbound: stack.includes('inbound.ts') });
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repos = Object.fromEntries(REPOS.map((r) => [r, wrap(r, store[r])]));
  return new Proxy(store, {
    get: (target, key, receiver) =>
      typeof key === 'string' && key in repos ? repos[key] : Reflect.get(target, key, receiver),
  });
}

/** Sum of the node's committed local transactions, all intents. */
function transactions(h: { node: { metrics(): { transactions: Record<string, number> } } }) {
  return Object.values(h.node.metrics().transactions).reduce((a, b) => a + b, 0);
}

describe('store round trips per inbound message', () => {
  it('counts mapping-store calls and core transactions for a known sender at a linked target', async () => {
    const calls: Call[] = [];
    let recording = false;
    const h = await startHarness([{ name: 'a' }], {
      wrapStore: (s) => counting(s, calls, () => recording),
    });
    const a = h.adapter('a');
    // Warm-up: bob becomes a bridged person, an identity and a member of the channel.
    await a.receive({ channel: 'main' }, 'bob', 'first');
    await h.settle();
    const bob = h.node.findUserByName('bob');
    expect(bob).toBeDefined();

    const before = transactions(h);
    recording = true;
    await a.receive({ channel: 'main' }, 'bob', 'second');
    recording = false;
    const committed = transactions(h) - before;
    await h.settle();

    // The message arrived in the core, as bob.
    const last = h.node.listMessages(h.general).at(-1);
    expect(last).toMatchObject({ text: 'second', sender: { id: bob?.id } });

    const inbound = calls.filter((c) => c.inbound).map((c) => c.method);
    // Today (before issue 16's inbound rework): link lookup, echo check, identity check, the
    // mapping write. Lower this when the inbound step batches its lookups.
    expect(inbound).toEqual([
      'links.findByTarget',
      'messages.getByExternal',
      'identities.get',
      'messages.put',
    ]);
    // One core transaction: the sendMessage entry (no profile update, no join: steady state).
    expect(committed).toBe(1);
    // 4 mapping-store calls + 1 core commit = 5 store round trips before the gossip publish.
    expect(inbound.length + committed).toBe(5);
  });
});
