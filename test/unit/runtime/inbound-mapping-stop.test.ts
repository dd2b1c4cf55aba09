/**
 * The inbound mapping is written on the turn after the core's commit (runtime/inbound-mapping.ts).
 * A stop right after the commit must still leave it written: before, a stop between the relay's
 * send and a deferred write left the message unmapped and the restart's backfill stored it again
 * (matrix-backfill). The write is slowed here so that only the stop's wait can cover it.
 */
import { describe, expect, it } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { MappingStore, NetworkName } from '../../../src/mapping/types.js';
import { startHarness } from '../router/harness.js';

const main = { channel: 'main' };
const SLOW_PUT_MS = 150;

/** The store, with each message-map write answering `SLOW_PUT_MS` late. */
function slowMappingWrites(store: MappingStore): MappingStore {
  const messages = new Proxy(store.messages, {
    get(repo, key, receiver) {
      const value: unknown = Reflect.get(repo, key, receiver);
      if (key !== 'put' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, SLOW_PUT_MS));
        return (value as (...a: unknown[]) => unknown).apply(repo, args);
      };
    },
  });
  return new Proxy(store, {
    get: (target, key, receiver) =>
      key === 'messages' ? messages : Reflect.get(target, key, receiver),
  });
}

describe('the inbound mapping written a turn after the commit', () => {
  it('a stop begun right after the commit waits for it: the message stays mapped', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }], {
      wrapStore: slowMappingWrites,
    });
    const a = h.adapter('a');
    await a.receive(main, 'bob', 'warm-up');
    await h.settle();

    // The stop starts inside the commit's announcement, before the mapping write's turn.
    let stopped: Promise<void> | undefined;
    const off = h.node.on('message', (e) => {
      if (e.message.text === 'said just before the stop') stopped ??= h.runtime.stop(10);
    });
    const said = a.receive(main, 'bob', 'said just before the stop');
    await expect.poll(() => stopped !== undefined).toBe(true);
    await stopped;
    off();

    const key = targetKeyOf('a' as NetworkName, main);
    const stored = h.node
      .listMessages(h.general)
      .find((m) => m.text === 'said just before the stop');
    expect(stored).toBeDefined();
    const mapped = await h.store.messages.listByMessage(stored!.id, {
      network: 'a' as NetworkName,
      targetKey: key,
    });
    expect(mapped.map((m) => m.direction)).toEqual(['inbound']);
    await said;
  });
});
