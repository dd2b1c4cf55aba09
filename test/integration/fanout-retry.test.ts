/**
 * Issue 23 (pg-restart lost one message per PostgreSQL outage): when the mapping store drops the
 * enqueue of a message's deliveries (the statement in flight when the server stopped), the fan-out
 * tries again, so the message still reaches the other link in the same run, once, and the
 * messages after it wait behind it instead of overtaking it.
 */
import { describe, expect, it } from 'vitest';
import type { ExternalUserId, InboundEvent, NetworkName } from '../../src/bridges/types.js';
import type { MessageId } from '../../src/core/types.js';
import type { ExternalMessageId } from '../../src/mapping/types.js';
import { tempDir } from '../support/core.js';
import { eventually } from '../support/eventually.js';
import { AT_B, bootRouter } from '../support/fake-router-world.js';
import { createTestAdapter, TestNetwork } from '../support/test-adapter.js';

const MAIN_ON_A = { channel: 'main' };

const said = (id: string, text: string): InboundEvent => ({
  kind: 'message',
  target: MAIN_ON_A,
  sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
  externalId: id as ExternalMessageId,
  text,
});

describe('the fan-out when the mapping store drops an enqueue', () => {
  it('retries it: the message reaches the other link once, before the ones after it', async () => {
    const netA = new TestNetwork('a-');
    const netB = new TestNetwork('b-');
    const a = Object.assign(createTestAdapter({ name: 'a', network: netA }), {
      network: 'a' as NetworkName,
    });
    const router = await bootRouter({
      dataDir: tempDir('mc-fanout-retry-'),
      adapter: a,
      netB,
      pollIntervalMs: 10,
      owner: 'owner',
      link: { network: 'a', target: MAIN_ON_A },
    });
    const enqueue = router.store.outbox.enqueue.bind(router.store.outbox);
    let dropped = 0;
    router.store.outbox.enqueue = async (inputs) => {
      const flaky = inputs.some((d) => {
        const action = d.action as { kind: string; message?: MessageId };
        return action.kind === 'send' && router.node.getMessage(action.message!)?.text === 'flaky';
      });
      if (flaky && dropped < 2) {
        dropped += 1;
        throw new Error('Connection terminated unexpectedly');
      }
      return enqueue(inputs);
    };
    const live = router.runtime.adapter('a') as unknown as {
      inject(e: InboundEvent): Promise<void>;
    };
    for (const [i, text] of ['before', 'flaky', 'after'].entries())
      await live.inject(said(String(i + 1), text));
    await eventually(() => netB.at(AT_B).length >= 3, {
      what: 'three messages on b',
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    await router.runtime.settle();
    expect(dropped).toBe(2);
    expect(netB.at(AT_B).map((p) => p.text)).toEqual(['before', 'flaky', 'after']);
    await router.stop();
  });
});
