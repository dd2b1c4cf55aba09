import { describe, expect, it } from 'vitest';
import type { ExternalMessageId, ExternalUserId, NetworkName } from '../../../src/bridges/types.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import { startHarness } from './harness.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);
const bot = { externalId: 'bot' as ExternalUserId, displayName: 'bot' };

describe('router loop prevention', () => {
  it('never bridges back an unmarked echo of its own send', async () => {
    // Network b reports every post it receives, ours included, like Matrix and Discord do.
    const h = await startHarness([{ name: 'a' }, { name: 'b', echo: true }]);
    await h.say('native');
    await h.adapter('a').receive(main, 'bob', 'from a');
    await h.settle();
    expect(h.node.listMessages(h.general).map((m) => m.text)).toEqual(['native', 'from a']);
    expect(h.networks.get('a')?.posts.map((p) => p.text)).toEqual(['native', 'from a']);
    expect(h.networks.get('b')?.posts.map((p) => p.text)).toEqual(['native', 'from a']);
  });

  it('drops events the adapter marks as its own', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    await h.adapter('a').inject({
      kind: 'message',
      target: main,
      externalId: 'own-1' as ExternalMessageId,
      sender: bot,
      text: 'mine',
      self: true,
    });
    await h.settle();
    expect(h.node.listMessages(h.general)).toEqual([]);
    expect(h.networks.get('b')?.posts).toEqual([]);
  });

  it('drops a message that echoes an idempotency key of our outbox', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    await h.say('hello');
    const [delivery] = await h.store.outbox.nextDue(h.clock.now() + 1);
    expect(delivery).toBeUndefined();
    const sent = h.networks.get('a')?.at(at('a'))[0];
    await h.adapter('a').inject({
      kind: 'message',
      target: main,
      externalId: 'other-id' as ExternalMessageId,
      sender: bot,
      text: 'hello',
      echoKey: sent?.idempotencyKey as string,
    });
    await h.settle();
    expect(h.node.listMessages(h.general)).toHaveLength(1);
  });

  it('ignores a replayed inbound message (same external id twice)', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const event = {
      kind: 'message' as const,
      target: main,
      externalId: 'm1' as ExternalMessageId,
      sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
      text: 'once',
    };
    await h.adapter('a').inject(event);
    await h.adapter('a').inject(event);
    await h.settle();
    expect(h.node.listMessages(h.general)).toHaveLength(1);
    expect(h.networks.get('b')?.at(at('b'))).toHaveLength(1);
  });

  it('ignores events from targets that are not linked', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    h.expectDrops();
    await h.adapter('a').receive({ channel: 'elsewhere' }, 'bob', 'not linked');
    await h.settle();
    expect(h.node.listMessages(h.general)).toEqual([]);
    expect(h.networks.get('b')?.posts).toEqual([]);
    expect(h.runtime.dropped()).toEqual([
      { network: 'a', kind: 'message', reason: 'unlinked', count: 1 },
    ]);
  });

  it('drops the echo of an edit it made to its own copy', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const id = await h.say('v1');
    await h.node.submit(h.alice.id, { kind: 'editMessage', message: id as never, text: 'v2' });
    await h.settle();
    const copy = h.networks.get('a')?.at(at('a'))[0];
    await h.adapter('a').inject({
      kind: 'edit',
      target: main,
      sender: bot,
      externalId: copy?.id as ExternalMessageId,
      text: 'v2',
    });
    await h.settle();
    expect(h.node.getMessage(id as never)?.text).toBe('v2');
    expect(h.networks.get('b')?.at(at('b'))[0]?.edits).toBe(1);
    // Dropped before anything was written: not even a profile for the echoing bot.
    expect(await h.store.identities.get('a' as NetworkName, 'bot')).toBeUndefined();
  });
});
