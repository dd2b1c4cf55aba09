import { describe, expect, it } from 'vitest';
import type { ExternalUserId, LinkTarget, NetworkName } from '../../../src/bridges/types.js';
import type { ChannelId, Role, UserId } from '../../../src/core/types.js';
import { startHarness, type Harness } from './harness.js';

const staff = { channel: 'staff' };
const main = { channel: 'main' };
const withRoles = { roles: true };

/** A person of network `name` changes role at `target` (as IRC MODE or a power level would). */
function roleEvent(h: Harness, name: string, target: LinkTarget, who: string, role: Role) {
  return h.adapter(name).inject({
    kind: 'role',
    target,
    sender: { externalId: who as ExternalUserId, displayName: who },
    role,
  });
}

/** Role actions an adapter got, as `name:role`. */
const rolesAt = (h: Harness, name: string) =>
  h.adapter(name).roles.map((r) => `${r.sender.name}:${r.role}`);

/** Links `staff` (a channel the gateway creates, so it is its admin) to every named network. */
async function linkStaff(h: Harness, names: readonly string[]): Promise<ChannelId> {
  let channel = '';
  for (const network of names)
    channel = (await h.runtime.links.create({ channel: 'staff', network, target: staff })).channel;
  return channel as ChannelId;
}

async function userOf(h: Harness, network: string, externalId: string): Promise<UserId> {
  return (await h.store.identities.get(network as NetworkName, externalId))?.userId as UserId;
}

describe('router roles', () => {
  it('gives a person the role their network reports, and tells only the other networks', async () => {
    const h = await startHarness(
      [
        { name: 'a', capabilities: withRoles },
        { name: 'b', capabilities: withRoles },
      ],
      { link: false },
    );
    const channel = await linkStaff(h, ['a', 'b']);
    await roleEvent(h, 'a', staff, 'bob', 'moderator');
    await h.settle();
    const bob = await userOf(h, 'a', 'bob');
    expect(h.node.roleOf(channel, bob)).toBe('moderator');
    // Joining made bob a member first; b hears both steps, a (where it happened) neither.
    expect(rolesAt(h, 'b')).toEqual(['bob:member', 'bob:moderator']);
    expect(rolesAt(h, 'a')).toEqual([]);

    await roleEvent(h, 'a', staff, 'bob', 'member');
    await h.settle();
    expect(h.node.roleOf(channel, bob)).toBe('member');
    expect(rolesAt(h, 'b')).toEqual(['bob:member', 'bob:moderator', 'bob:member']);
    expect(rolesAt(h, 'a')).toEqual([]);
    // Every delivery has its own key, so none was de-duplicated away.
    const keys = h.adapter('b').roles.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(3);
  });

  it('does not echo a role the network reports twice, and bans without joining', async () => {
    const h = await startHarness(
      [
        { name: 'a', capabilities: withRoles },
        { name: 'b', capabilities: withRoles },
      ],
      { link: false },
    );
    const channel = await linkStaff(h, ['a', 'b']);
    await roleEvent(h, 'a', staff, 'bob', 'admin');
    await roleEvent(h, 'a', staff, 'bob', 'admin');
    await roleEvent(h, 'b', staff, 'eve', 'banned');
    await h.settle();
    expect(h.node.roleOf(channel, await userOf(h, 'a', 'bob'))).toBe('admin');
    expect(h.node.roleOf(channel, await userOf(h, 'b', 'eve'))).toBe('banned');
    expect(rolesAt(h, 'b')).toEqual(['bob:member', 'bob:admin']);
    expect(rolesAt(h, 'a')).toEqual(['eve:banned']);
  });

  it('sends a role set in Multichat to every network that takes roles, except the own one', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: withRoles },
      { name: 'b', capabilities: withRoles },
      { name: 'c' },
    ]);
    await h.adapter('a').receive(main, 'bob', 'hi');
    await h.settle();
    const bob = await userOf(h, 'a', 'bob');
    const dave = (await h.node.createLocalUser('dave')).user;
    await h.node.submit(dave.id, { kind: 'joinChannel', channel: h.general });
    await h.node.submit(h.alice.id, {
      kind: 'setRole',
      channel: h.general,
      user: bob,
      role: 'moderator',
    });
    await h.node.submit(h.alice.id, {
      kind: 'setRole',
      channel: h.general,
      user: dave.id,
      role: 'admin',
    });
    await h.settle();
    expect(rolesAt(h, 'a')).toEqual(['dave:member', 'dave:admin']);
    expect(rolesAt(h, 'b')).toEqual(['bob:member', 'dave:member', 'bob:moderator', 'dave:admin']);
    // c declares no roles: nothing was queued for it, so no call reached it; the two role
    // changes (not the member roles that come with joins) are counted as dropped there.
    h.expectDrops();
    expect(h.networks.get('c')?.calls.filter((c) => c.kind === 'role')).toEqual([]);
    expect(h.runtime.dropped()).toEqual([
      { network: 'c', kind: 'role', reason: 'unsupported', count: 2 },
    ]);
    expect(h.adapter('a').roles[1]?.target).toEqual(main);
  });

  it('drops a network role change in a channel the gateway is not admin of', async () => {
    const h = await startHarness([
      { name: 'a', capabilities: withRoles },
      { name: 'b', capabilities: withRoles },
    ]);
    // `general` was created by alice: the gateway profile has no rights there.
    h.expectDrops();
    await roleEvent(h, 'a', main, 'bob', 'moderator');
    await h.settle();
    expect(h.node.roleOf(h.general, await userOf(h, 'a', 'bob'))).toBe('member');
    expect(rolesAt(h, 'b')).toEqual(['bob:member']);
    expect(h.runtime.dropped()).toEqual([
      { network: 'a', kind: 'role', reason: 'not_admin', count: 1 },
    ]);
  });
});
