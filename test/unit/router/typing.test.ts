/**
 * Typing between linked targets, driven by the adapters' `typing` capability: carried straight
 * to the networks that show it (never through the log or the outbox), counted as not carried
 * where a network cannot show it, and never echoed back.
 */
import { describe, expect, it } from 'vitest';
import type { TypingNotice } from '../../../src/bridges/runtime/index.js';
import type { ExternalUserId, InboundTyping, LinkTarget } from '../../../src/bridges/types.js';
import type { UserId } from '../../../src/core/types.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { eventually } from '../../support/eventually.js';
import { startHarness, type Harness } from './harness.js';

const main = { channel: 'main' };

function typing(user: string, active: boolean, target: LinkTarget = main): InboundTyping {
  return {
    kind: 'typing',
    target,
    sender: { externalId: user as ExternalUserId, displayName: user },
    active,
  };
}

const shown = (h: Harness, name: string) =>
  h.adapter(name).typings.map((t) => `${t.sender.name}:${t.active}:${String(t.target['channel'])}`);

const dropped = (h: Harness) =>
  h.runtime
    .dropped()
    .filter((d) => d.kind === 'typing')
    .map((d) => `${d.network}/${d.reason}=${d.count}`);

describe('router: typing', () => {
  it('reaches the other networks that show typing, as the person, start and stop', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { typing: true } },
      { name: 'b', capabilities: { typing: true } },
      { name: 'c' },
    ]);
    h.expectDrops((c) => c.kind === 'typing');
    const notices: TypingNotice[] = [];
    h.runtime.onTyping((n) => notices.push(n));
    await h.adapter('a').inject(typing('bob', true));
    await eventually(() => shown(h, 'b').length === 1, { what: 'typing on b' });
    await h.adapter('a').inject(typing('bob', false));
    await eventually(() => shown(h, 'b').length === 2, { what: 'typing stopped on b' });
    expect(shown(h, 'b')).toEqual(['bob:true:main', 'bob:false:main']);
    // Never back to the network it came from; c has no typing: counted, not shown.
    expect(shown(h, 'a')).toEqual([]);
    expect(h.adapter('c').typings).toEqual([]);
    expect(dropped(h)).toEqual(['c/unsupported=2']);
    // Ephemeral: nothing in the channel's log, nothing queued for delivery.
    expect(h.node.listMessages(h.general)).toEqual([]);
    expect(h.networks.get('b')?.posts).toEqual([]);
    // Native clients hear it (the /api/v1/events stream), with the person's Multichat id.
    const bob = h.node.findUserByName('bob');
    expect(notices.map((n) => [n.channel, n.user, n.active, n.network])).toEqual([
      [h.general, bob?.id, true, 'a'],
      [h.general, bob?.id, false, 'a'],
    ]);
  });

  it('ignores our own echoes: self-marked events and typing of our ghosts or puppets', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { typing: true } },
      { name: 'b', capabilities: { typing: true } },
    ]);
    await h.store.identities.upsert({
      network: 'a' as NetworkName,
      externalId: 'ghost-of-alice',
      userId: h.alice.id,
      kind: 'ghost',
    });
    await h.adapter('a').inject({ ...typing('bot', true), self: true });
    await h.adapter('a').inject(typing('ghost-of-alice', true));
    // A third event, carried, shows the two before it were handled (and not carried).
    await h.adapter('a').inject(typing('bob', true));
    await eventually(() => shown(h, 'b').length > 0, { what: 'bob typing on b' });
    expect(shown(h, 'b')).toEqual(['bob:true:main']);
    expect(dropped(h)).toEqual([]);
  });

  it('counts typing at an unlinked place and carries nothing', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { typing: true } },
      { name: 'b', capabilities: { typing: true } },
    ]);
    h.expectDrops((c) => c.kind === 'typing');
    await h.adapter('a').inject(typing('bob', true, { channel: 'elsewhere' }));
    expect(dropped(h)).toEqual(['a/unlinked=1']);
    expect(shown(h, 'b')).toEqual([]);
  });

  it("is not shown on a network where the person's own account is linked", async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { typing: true } },
      { name: 'b', capabilities: { typing: true } },
      { name: 'c', capabilities: { typing: true } },
    ]);
    await h.adapter('a').inject(typing('bob', true));
    await eventually(() => shown(h, 'c').length === 1, { what: 'typing on c' });
    const bob = h.node.findUserByName('bob')?.id as UserId;
    // bob linked his own b account: he is in b's room himself.
    await h.store.identities.upsert({
      network: 'b' as NetworkName,
      externalId: 'bob-on-b',
      userId: bob,
      kind: 'native',
    });
    await h.adapter('a').inject(typing('bob', false));
    await eventually(() => shown(h, 'c').length === 2, { what: 'typing stopped on c' });
    expect(shown(h, 'b')).toEqual(['bob:true:main']);
  });

  it('counts a failed typing update of an adapter and goes on', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: { typing: true } },
      { name: 'b', capabilities: { typing: true } },
    ]);
    h.expectDrops((c) => c.kind === 'typing');
    h.adapter('b').setTyping = () => Promise.reject(new Error('network said no'));
    await h.adapter('a').inject(typing('bob', true));
    await eventually(() => dropped(h).length > 0, { what: 'the failure counted' });
    expect(dropped(h)).toEqual(['b/adapter=1']);
  });
});
