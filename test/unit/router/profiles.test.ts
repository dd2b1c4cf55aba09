import { describe, expect, it } from 'vitest';
import type {
  AdapterComponents,
  ExternalUserId,
  NetworkName,
  SenderDisplay,
} from '../../../src/bridges/types.js';
import { createTestAdapter, TestNetwork } from '../../support/test-adapter.js';
import { startHarness } from './harness.js';

const main = { channel: 'main' };

/** A test adapter of `name` that makes a "ghost" per person and records profile updates. */
function withGhosts(name: string, updates: SenderDisplay[]) {
  const inner = createTestAdapter({
    name,
    network: new TestNetwork(`${name}-`),
    capabilities: { membership: true, roles: true }, // joins are carried, not dropped
  });
  const build = (components: AdapterComponents) =>
    Object.assign(inner(components), {
      identityFor: (sender: SenderDisplay) => `ghost-${sender.id}` as ExternalUserId,
      async updateProfile(sender: SenderDisplay) {
        updates.push(sender);
      },
    });
  return Object.assign(build, { network: name as NetworkName });
}

describe('profile changes propagate at once', () => {
  it('a rename on one network reaches the ghosts elsewhere before any message', async () => {
    const onB: SenderDisplay[] = [];
    const onA: SenderDisplay[] = [];
    const h = await startHarness([
      { name: 'a', build: withGhosts('a', onA) },
      { name: 'b', build: withGhosts('b', onB) },
    ]);
    await h.adapter('a').receive(main, 'pat', 'hello');
    await h.settle(); // b got the message, so b made (and the runtime recorded) Pat's ghost
    const pat = h.node.listMessages(h.general)[0]!.sender.id;
    expect(
      (await h.store.identities.listByUser(pat, 'b' as NetworkName)).map((i) => i.kind),
    ).toEqual(['ghost']);

    await h.adapter('a').inject({
      kind: 'profile',
      sender: {
        externalId: 'pat' as ExternalUserId,
        displayName: 'Patricia',
        avatarUrl: 'https://example.org/p.png',
      },
    });
    await h.settle();
    await expect
      .poll(() => onB.at(-1))
      .toEqual({
        id: pat,
        name: 'Patricia',
        avatarUrl: 'https://example.org/p.png',
      });
    expect(h.node.getUser(pat)?.username).toBe('Patricia');
    // Never told back to Pat's own network, and no message was needed.
    expect(onA).toEqual([]);
    expect(h.node.listMessages(h.general)).toHaveLength(1);
  });

  it('is not sent where the person has no ghost (nothing is created for it)', async () => {
    const onB: SenderDisplay[] = [];
    const h = await startHarness([{ name: 'a' }, { name: 'b', build: withGhosts('b', onB) }]);
    await h.adapter('a').inject({
      kind: 'profile',
      sender: { externalId: 'quin' as ExternalUserId, displayName: 'Quin' },
    });
    await h.settle();
    expect(onB).toEqual([]);
  });
});
