import { describe, expect, it } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { startHarness } from './harness.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);

describe('router fan-out', () => {
  it('delivers a native message to every linked network once', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await h.say('hello **all**');
    for (const name of ['a', 'b', 'c']) {
      const posts = h.networks.get(name)?.at(at(name)) ?? [];
      expect(posts.map((p) => [p.text, p.sender])).toEqual([['hello **all**', 'alice']]);
    }
  });

  it('bridges an inbound message to every other network but not back to its origin', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await h.adapter('a').receive(main, 'bob', 'from a');
    await h.settle();
    await h.adapter('c').receive(main, 'carol', 'from c');
    await h.settle();
    const texts = (name: string) =>
      h.networks
        .get(name)
        ?.at(at(name))
        .map((p) => `${p.sender}: ${p.text}`);
    expect(texts('a')).toEqual(['bob: from a', 'carol: from c']);
    expect(texts('b')).toEqual(['bob: from a', 'carol: from c']);
    expect(texts('c')).toEqual(['bob: from a', 'carol: from c']);
    // One post per message per network: the originals on a and c were not re-posted there.
    expect(h.networks.get('a')?.posts).toHaveLength(2);
    const core = h.node.listMessages(h.general);
    expect(core.map((m) => [m.text, m.sender.username, m.origin?.network])).toEqual([
      ['from a', 'bob', 'a'],
      ['from c', 'carol', 'c'],
    ]);
  });

  it('gives bridged people a profile the gateway controls, with origin', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    await h.adapter('a').receive(main, 'bob', 'hi');
    const [message] = h.node.listMessages(h.general);
    const bob = h.node.getUser(message?.sender.id ?? ('' as never));
    expect(bob).toMatchObject({
      username: 'bob',
      local: true,
      origin: { network: 'a', externalId: 'bob' },
    });
    expect(await h.store.identities.get('a' as NetworkName, 'bob')).toMatchObject({
      userId: bob?.id,
      displayName: 'bob',
    });
  });

  it('carries edits, replies, reactions and deletes to the other networks', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const a = h.adapter('a');
    const first = await a.receive(main, 'bob', 'original');
    await h.settle();
    await a.receive(main, 'bob', 'answer', { replyTo: first });
    await h.settle();
    const [bFirst, bAnswer] = h.networks.get('b')?.at(at('b')) ?? [];
    expect(bAnswer?.replyTo).toBe(bFirst?.id);

    const sender = { externalId: 'bob' as never, displayName: 'bob' };
    await a.inject({ kind: 'edit', target: main, sender, externalId: first, text: 'changed' });
    await a.inject({
      kind: 'reaction',
      target: main,
      sender,
      externalId: first,
      emoji: '👍',
      added: true,
    });
    await h.settle();
    expect(bFirst?.text).toBe('changed');
    expect([...(bFirst?.reactions ?? [])]).toEqual(['bob:👍']);
    // Nothing was reflected back to the network the edit and reaction came from.
    const aFirst = h.networks.get('a')?.find(first);
    expect(aFirst?.edits).toBe(0);
    expect(aFirst?.reactions.size).toBe(0);

    await a.inject({ kind: 'delete', target: main, sender, externalId: first });
    await h.settle();
    expect(bFirst?.deleted).toBe(true);
    expect(aFirst?.deleted).toBe(false);
  });

  it('carries a native edit and delete to every network', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const id = await h.say('draft');
    await h.node.submit(h.alice.id, { kind: 'editMessage', message: id as never, text: 'final' });
    await h.settle();
    for (const name of ['a', 'b'])
      expect(h.networks.get(name)?.at(at(name))[0]?.text).toBe('final');
    await h.node.submit(h.alice.id, { kind: 'redactMessage', message: id as never });
    await h.settle();
    for (const name of ['a', 'b']) expect(h.networks.get(name)?.at(at(name))).toEqual([]);
  });

  it('converts Markdown to the markup each adapter declares', async () => {
    const h = await startHarness([
      { name: 'md' },
      { name: 'html', capabilities: { markup: 'matrix-html' } },
    ]);
    await h.say('a **bold** move');
    expect(h.networks.get('md')?.at(at('md'))[0]?.text).toBe('a **bold** move');
    expect(h.networks.get('html')?.at(at('html'))[0]?.text).toContain('<strong>bold</strong>');
  });

  it("shows presence on networks that have it, never back on the person's own network", async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { presence: true } },
      { name: 'b', capabilities: { presence: true } },
    ]);
    await h.node.submit(h.alice.id, { kind: 'setPresence', status: 'away', text: 'lunch' });
    await h.adapter('a').receive(main, 'bob', 'hi');
    await h.adapter('a').inject({
      kind: 'presence',
      sender: { externalId: 'bob' as never, displayName: 'bob' },
      status: 'online',
    });
    await h.settle();
    const seen = (name: string) =>
      h.adapter(name).presences.map((p) => `${p.sender.name}:${p.status}`);
    // Presence is forwarded outside the outbox: give the forwarders a bounded number of turns.
    for (let i = 0; i < 100 && seen('b').length < 2; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seen('a')).toEqual(['alice:away']);
    expect(seen('b')).toEqual(['alice:away', 'bob:online']);
  });
});
