/**
 * Store round trips per inbound message on the hot path (issue 16; docs/architecture.md):
 * one message from a person the gateway knows already, at a linked target. Every call the
 * runtime makes to the mapping store is recorded by a Proxy around the store (its repos and its
 * own methods); core store transactions are read from the node's per-intent transaction
 * counters.
 *
 * Before issue 16's inbound rework: 4 mapping-store calls (links.findByTarget,
 * messages.getByExternal, identities.get, messages.put) + 1 core transaction, and one more
 * call per mention, reply or thread root. Now: the resolve step's one lookup + the mapping
 * write, whatever the message names. Asserted exactly, as a regression guard.
 */
import { describe, expect, it } from 'vitest';
import type { ExternalMessageId, ExternalUserId } from '../../../src/bridges/types.js';
import type { MappingStore } from '../../../src/mapping/types.js';
import { startHarness } from './harness.js';

const REPOS = ['identities', 'links', 'messages', 'outbox', 'cursors'] as const;
/** The store's own query methods (not lifecycle). */
const OWN = ['lookupInbound'] as const;
/** A frame of the inbound path: the emitter, the resolve step, the handlers, people. */
const INBOUND_FRAME = /runtime[\\/](inbound[\w-]*|resolve|people)\.ts/;

interface Call {
  readonly method: string;
  /** Made by the inbound handler (runtime/inbound.ts on the stack), not by fan-out or worker. */
  readonly inbound: boolean;
}

/** The store with each repo method recording its calls into `calls` while `on()` is true. */
function counting(store: MappingStore, calls: Call[], on: () => boolean): MappingStore {
  const record = (method: string) => {
    if (!on()) return;
    // Async stack traces name the awaiting inbound frames; keep enough of them.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    calls.push({ method, inbound: INBOUND_FRAME.test(stack) });
  };
  const counted =
    (name: string, fn: (...a: unknown[]) => unknown, self: object) =>
    (...args: unknown[]) => {
      record(name);
      return fn.apply(self, args);
    };
  const wrap = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return counted(`${name}.${String(key)}`, value as (...a: unknown[]) => unknown, target);
      },
    });
  const repos: Record<string, unknown> = Object.fromEntries(
    REPOS.map((r) => [r, wrap(r, store[r])]),
  );
  for (const m of OWN) repos[m] = counted(m, store[m] as (...a: unknown[]) => unknown, store);
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
  it('a known sender at a linked target: one lookup, one mapping write, one core transaction', async () => {
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
    // Was: links.findByTarget, messages.getByExternal, identities.get, messages.put.
    expect(inbound).toEqual(['lookupInbound', 'messages.put']);
    // One core transaction: the sendMessage entry (no profile update, no join: steady state).
    expect(committed).toBe(1);
    // 2 mapping-store round trips (was 4) + 1 core commit = 3 store round trips (was 5).
    expect(inbound.length).toBeLessThanOrEqual(2);
    expect(inbound.length + committed).toBe(3);
  });

  it('a reply that mentions a known person costs no more round trips', async () => {
    const calls: Call[] = [];
    let recording = false;
    const h = await startHarness([{ name: 'a' }], {
      wrapStore: (s) => counting(s, calls, () => recording),
    });
    const a = h.adapter('a');
    // bob's id on the network (u7) differs from his name, so a resolved mention shows.
    const first = 'x-first' as ExternalMessageId;
    await a.inject({
      kind: 'message',
      target: { channel: 'main' },
      externalId: first,
      sender: { externalId: 'u7' as ExternalUserId, displayName: 'bob' },
      text: 'first',
    });
    await a.receive({ channel: 'main' }, 'carol', 'hello');
    await h.settle();
    const bob = h.node.findUserByName('bob');
    const original = h.node.listMessages(h.general).find((m) => m.text === 'first');

    recording = true;
    await a.receive({ channel: 'main' }, 'carol', 'yes @u7', { replyTo: first });
    recording = false;
    await h.settle();

    const last = h.node.listMessages(h.general).at(-1);
    // Before the rework this cost an identities.get for the mention and a
    // messages.getByExternal for the reply, 6 mapping-store calls in all.
    expect(last).toMatchObject({ text: 'yes @bob', replyTo: original?.id });
    expect(bob).toBeDefined();
    const inbound = calls.filter((c) => c.inbound).map((c) => c.method);
    expect(inbound).toEqual(['lookupInbound', 'messages.put']);
  });
});
