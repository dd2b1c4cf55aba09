/**
 * Every role's leave is carried: a moderator or admin who leaves the network's channel leaves
 * the Multichat channel (and the other networks see the leave), as a member does.
 */
import { describe, expect, it } from 'vitest';
import type { ExternalUserId, NetworkName } from '../../../src/bridges/types.js';
import type { ChannelId, Role, UserId } from '../../../src/core/types.js';
import { startHarness, type Harness } from './harness.js';

const staff = { channel: 'staff' };
const caps = { roles: true };

function inject(h: Harness, kind: 'join' | 'leave', who: string) {
  const sender = { externalId: who as ExternalUserId, displayName: who };
  return h.adapter('a').inject({ kind, target: staff, sender });
}

describe('router leaves', () => {
  for (const role of ['member', 'moderator', 'admin'] as const satisfies readonly Role[]) {
    it(`carries the leave of a ${role}`, async () => {
      const h = await startHarness(
        [
          { name: 'a', capabilities: caps },
          { name: 'b', capabilities: caps },
        ],
        { link: false },
      );
      let channel = '';
      for (const network of ['a', 'b'])
        channel = (await h.runtime.links.create({ channel: 'staff', network, target: staff }))
          .channel;
      await inject(h, 'join', 'bob');
      await h.adapter('a').inject({
        kind: 'role',
        target: staff,
        sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
        role,
      });
      await h.settle();
      const bob = (await h.store.identities.get('a' as NetworkName, 'bob'))?.userId as UserId;
      expect(h.node.roleOf(channel as ChannelId, bob)).toBe(role);

      await inject(h, 'leave', 'bob');
      await h.settle();
      expect(h.node.roleOf(channel as ChannelId, bob)).toBeUndefined();
      expect(h.adapter('b').memberships.map((m) => `${m.kind}:${m.sender.name}`)).toEqual([
        'join:bob',
        'leave:bob',
      ]);
      expect(h.adapter('a').memberships).toEqual([]);
    });
  }
});
