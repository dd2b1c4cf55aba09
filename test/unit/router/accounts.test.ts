import { describe, expect, it } from 'vitest';
import {
  LinkCodeExpiredError,
  LinkCodeInvalidError,
  LinkCodeUsedError,
} from '../../../src/bridges/runtime/index.js';
import type {
  AdapterComponents,
  ExternalSender,
  ExternalUserId,
  NetworkName,
  OutboundAction,
} from '../../../src/bridges/types.js';
import type { UserId } from '../../../src/core/types.js';
import { createTestAdapter, TestNetwork } from '../../support/test-adapter.js';
import { allowNativeSkips } from '../../support/native-skips.js';
import { startHarness, type Harness } from './harness.js';

const main = { channel: 'main' };
const person = (id: string, name = id): ExternalSender => ({
  externalId: id as ExternalUserId,
  displayName: name,
});

/** A test adapter of network `b` that keeps every action it was asked to do. */
function recordingB(actions: OutboundAction[]) {
  const inner = createTestAdapter({
    name: 'b',
    network: new TestNetwork('b-'),
    capabilities: { membership: true },
  });
  const build = (components: AdapterComponents) => {
    const adapter = inner(components);
    const keep =
      <A extends OutboundAction, R>(fn: (a: A) => Promise<R>) =>
      (a: A) => {
        actions.push(a);
        return fn(a);
      };
    return Object.assign(adapter, {
      send: keep(adapter.send.bind(adapter)),
      edit: keep(adapter.edit.bind(adapter)),
      react: keep(adapter.react.bind(adapter)),
      membership: keep(adapter.membership.bind(adapter)),
    });
  };
  return Object.assign(build, { network: 'b' as NetworkName });
}

async function authorsOf(h: Harness): Promise<string[]> {
  await h.settle();
  return h.node.listMessages(h.general).map((m) => m.sender.id);
}

describe('account linking through the runtime', () => {
  it('an API code redeemed in chat makes that account speak as the code owner', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const { code, expiresAt } = await h.runtime.accounts.issue(h.alice.id, 'api');
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(expiresAt).toBe(h.clock.now() + 10 * 60_000);

    const linked = await h.runtime.accounts.controlFor('b' as NetworkName).redeemCode(
      person('bob'),
      code.toLowerCase().replace('-', ' '), // typed loosely
    );
    expect(linked).toEqual({ profileName: 'alice' });
    await h.adapter('b').receive(main, 'bob', 'hi from b');
    await h.say('hi from the API');
    expect(await authorsOf(h)).toEqual([h.alice.id, h.alice.id]);
    // The name bob has on b did not rename alice.
    expect(h.node.getUser(h.alice.id)?.username).toBe('alice');

    const identities = await h.runtime.accounts.identitiesOf(h.alice.id);
    expect(identities).toEqual([
      { network: 'b', externalId: 'bob', kind: 'native', linkedAt: h.clock.now() },
    ]);
    const audit = await h.store.accountAudit.listByUser(h.alice.id);
    expect(audit).toMatchObject([
      { action: 'link', network: 'b', externalId: 'bob', actor: 'b:bob' },
    ]);
    expect(await h.runtime.accounts.profileOf('b' as NetworkName, 'bob')).toBe(h.alice.id);
  });

  it('a wrong, expired or used code is refused and changes nothing', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const control = h.runtime.accounts.controlFor('b' as NetworkName);
    await expect(control.redeemCode(person('bob'), 'nonsense')).rejects.toThrow(
      LinkCodeInvalidError,
    );
    await expect(control.redeemCode(person('bob'), 'ABCDE-FGHJK')).rejects.toThrow(
      LinkCodeInvalidError,
    );
    const late = await h.runtime.accounts.issue(h.alice.id, 'api');
    h.clock.advance(10 * 60_000);
    await expect(control.redeemCode(person('bob'), late.code)).rejects.toThrow(
      LinkCodeExpiredError,
    );
    await expect(control.redeemCode(person('bob'), late.code)).rejects.toThrow(/expired/);

    const once = await h.runtime.accounts.issue(h.alice.id, 'api');
    await control.redeemCode(person('carol'), once.code);
    await expect(control.redeemCode(person('bob'), once.code)).rejects.toThrow(LinkCodeUsedError);

    await h.adapter('b').receive(main, 'bob', 'still myself');
    const [message] = h.node.listMessages(h.general);
    await h.settle();
    expect(message?.sender.id).not.toBe(h.alice.id);
    expect(message?.sender.origin).toEqual({ network: 'b', externalId: 'bob' });
    expect(await h.store.accountAudit.listByUser(h.alice.id)).toHaveLength(1); // carol only
  });

  it('a code issued in chat on one network and entered on another joins the two people', async () => {
    const actions: OutboundAction[] = [];
    const h = await startHarness([{ name: 'a' }, { name: 'b', build: recordingB(actions) }]);
    allowNativeSkips(h, 'b');
    const onA = h.runtime.accounts.controlFor('a' as NetworkName);
    const onB = h.runtime.accounts.controlFor('b' as NetworkName);
    const dan = person('dan', 'Dan');
    const { code } = await onA.issueCode(dan);
    expect(await onB.redeemCode(person('dan-b', 'Daniel on B'), code)).toEqual({
      profileName: 'Dan',
    });

    await h.adapter('a').receive(main, 'dan', 'from a');
    await h.adapter('b').receive(main, 'dan-b', 'from b');
    const authors = await authorsOf(h);
    expect(authors).toHaveLength(2);
    expect(new Set(authors).size).toBe(1);
    const danId = authors[0] as UserId;
    expect(h.node.getUser(danId)?.origin).toEqual({ network: 'a', externalId: 'dan' });

    // Dan's message from a reaches b marked native there (no ghost or puppet of him on b);
    // his join and reaction are not sent to b, where he is himself.
    const sends = actions.filter((x) => x.kind === 'send');
    expect(sends).toHaveLength(1);
    // (`receive` names people by their id, so Dan is now called `dan`.)
    expect(sends[0]?.sender).toMatchObject({ id: danId, name: 'dan', native: 'dan-b' });
    expect(actions.filter((x) => x.kind === 'join' && x.sender.id === danId)).toEqual([]);
    const first = h.node.listMessages(h.general)[0]!;
    await h.node.submit(danId, { kind: 'react', message: first.id, emoji: '👍' });
    await h.settle();
    expect(actions.filter((x) => x.kind === 'react')).toEqual([]);
    // Alice (not linked on b) is carried as before, without `native`.
    await h.say('alice speaks');
    expect(actions.filter((x) => x.kind === 'send').at(-1)?.sender).not.toHaveProperty('native');
  });

  it('unlinking gives the account its own bridged profile again on its next event', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    const { code } = await h.runtime.accounts.issue(h.alice.id, 'api');
    await h.runtime.accounts.controlFor('b' as NetworkName).redeemCode(person('bob'), code);
    await h.runtime.accounts.unlink(h.alice.id, 'b' as NetworkName, 'bob');
    await h.adapter('b').receive(main, 'bob', 'on my own again');
    const [author] = await authorsOf(h);
    expect(author).not.toBe(h.alice.id);
    expect(h.node.getUser(author as UserId)?.origin).toEqual({ network: 'b', externalId: 'bob' });
    expect((await h.store.accountAudit.listByUser(h.alice.id)).map((r) => r.action)).toEqual([
      'link',
      'unlink',
    ]);
    expect(await h.runtime.accounts.identitiesOf(h.alice.id)).toEqual([]);
    // Bob's own origin identity is not a linked account: it cannot be unlinked.
    await expect(
      h.runtime.accounts.unlink(author as UserId, 'b' as NetworkName, 'bob'),
    ).rejects.toThrow(/where this profile comes from/);
  });
});
