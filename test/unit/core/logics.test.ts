import { describe, expect, it } from 'vitest';
import {
  IntentRejectedError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../src/core/index.js';
import type { ChannelId, UserView } from '../../../src/core/index.js';
import { generateKeyPair } from '../../../src/core/identity.js';
import { createEntry } from '../../../src/core/log.js';
import { bridgedUserId } from '../../../src/core/logics/index.js';
import { tempNode } from '../../support/core.js';

async function world() {
  const node = await tempNode();
  const users: Record<string, UserView> = {};
  for (const name of ['admin', 'mod', 'alice', 'bob', 'eve'])
    users[name] = (await node.createLocalUser(name)).user;
  const u = (n: string) => users[n]!.id;
  const { channel } = await node.submit(u('admin'), { kind: 'createChannel', name: 'general' });
  const ch = channel!.id;
  for (const n of ['mod', 'alice', 'bob'])
    await node.submit(u(n), { kind: 'joinChannel', channel: ch });
  await node.submit(u('admin'), {
    kind: 'setRole',
    channel: ch,
    user: u('mod'),
    role: 'moderator',
  });
  return { node, u, ch };
}

async function refusedRule(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntentRejectedError);
  return (error as IntentRejectedError).rule;
}

describe('who may send', () => {
  it('lets members send and refuses non-members and banned users', async () => {
    const { node, u, ch } = await world();
    const sent = await node.submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'hi' });
    expect(sent.message?.text).toBe('hi');
    expect(
      await refusedRule(node.submit(u('eve'), { kind: 'sendMessage', channel: ch, text: 'x' })),
    ).toBe('message.member');
    await node.submit(u('mod'), { kind: 'setRole', channel: ch, user: u('bob'), role: 'banned' });
    expect(
      await refusedRule(node.submit(u('bob'), { kind: 'sendMessage', channel: ch, text: 'x' })),
    ).toBe('message.banned');
    expect(node.listMessages(ch).map((m) => m.text)).toEqual(['hi']);
  });

  it('refuses text over 64 KiB with a size error and empty text naming the field', async () => {
    const { node, u, ch } = await world();
    await expect(
      node.submit(u('alice'), {
        kind: 'sendMessage',
        channel: ch,
        text: 'a'.repeat(64 * 1024 + 1),
      }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    const ok = await node.submit(u('alice'), {
      kind: 'sendMessage',
      channel: ch,
      text: 'a'.repeat(64 * 1024),
    });
    expect(ok.message?.text?.length).toBe(64 * 1024);
    const empty = await node
      .submit(u('alice'), { kind: 'sendMessage', channel: ch, text: '  ' })
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(ValidationError);
    expect((empty as ValidationError).field).toBe('text');
  });

  it('refuses an expiry that is not positive or beyond a year', async () => {
    const { node, u, ch } = await world();
    for (const expiresInSeconds of [0, -5, 366 * 24 * 3600]) {
      const e = await node
        .submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'x', expiresInSeconds })
        .catch((x: unknown) => x);
      expect((e as ValidationError).field).toBe('expiresInSeconds');
    }
    const ok = await node.submit(u('alice'), {
      kind: 'sendMessage',
      channel: ch,
      text: 'x',
      expiresInSeconds: 60,
    });
    expect(ok.message?.expiresAt).toBeDefined();
  });
});

describe('who may edit and delete', () => {
  it('lets only the sender edit', async () => {
    const { node, u, ch } = await world();
    const m = (await node.submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'v1' }))
      .created!;
    expect(
      await refusedRule(
        node.submit(u('admin'), { kind: 'editMessage', message: m, text: 'hacked' }),
      ),
    ).toBe('edit.sender');
    await node.submit(u('alice'), { kind: 'editMessage', message: m, text: 'v2' });
    expect(node.getMessage(m)?.text).toBe('v2');
    expect(node.getMessage(m)?.editedAt).toBeDefined();
  });

  it('lets the sender or a moderator delete, not another member', async () => {
    const { node, u, ch } = await world();
    const m1 = (await node.submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'one' }))
      .created!;
    const m2 = (await node.submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'two' }))
      .created!;
    expect(await refusedRule(node.submit(u('bob'), { kind: 'redactMessage', message: m1 }))).toBe(
      'redaction.rights',
    );
    await node.submit(u('alice'), { kind: 'redactMessage', message: m1 });
    await node.submit(u('mod'), { kind: 'redactMessage', message: m2 });
    expect(node.listMessages(ch).map((m) => [m.deleted, m.text])).toEqual([
      [true, null],
      [true, null],
    ]);
    await expect(
      node.submit(u('alice'), { kind: 'editMessage', message: m1, text: 'back' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('who may grant which role', () => {
  it('admins grant any role', async () => {
    const { node, u, ch } = await world();
    await node.submit(u('admin'), {
      kind: 'setRole',
      channel: ch,
      user: u('alice'),
      role: 'admin',
    });
    expect(node.roleOf(ch, u('alice'))).toBe('admin');
  });

  it('moderators grant member or banned only, never to moderators or admins', async () => {
    const { node, u, ch } = await world();
    expect(
      await refusedRule(
        node.submit(u('mod'), {
          kind: 'setRole',
          channel: ch,
          user: u('alice'),
          role: 'moderator',
        }),
      ),
    ).toBe('access.moderator-grants');
    expect(
      await refusedRule(
        node.submit(u('mod'), { kind: 'setRole', channel: ch, user: u('alice'), role: 'admin' }),
      ),
    ).toBe('access.above-own-role');
    expect(
      await refusedRule(
        node.submit(u('mod'), { kind: 'setRole', channel: ch, user: u('admin'), role: 'banned' }),
      ),
    ).toBe('access.target-rank');
    await node.submit(u('mod'), { kind: 'setRole', channel: ch, user: u('alice'), role: 'banned' });
    expect(node.roleOf(ch, u('alice'))).toBe('banned');
  });

  it('members grant nothing; banned users cannot rejoin or leave', async () => {
    const { node, u, ch } = await world();
    expect(
      await refusedRule(
        node.submit(u('alice'), { kind: 'setRole', channel: ch, user: u('bob'), role: 'banned' }),
      ),
    ).toBe('access.grant');
    await node.submit(u('admin'), { kind: 'setRole', channel: ch, user: u('bob'), role: 'banned' });
    expect(await refusedRule(node.submit(u('bob'), { kind: 'joinChannel', channel: ch }))).toBe(
      'access.banned',
    );
    expect(await refusedRule(node.submit(u('bob'), { kind: 'leaveChannel', channel: ch }))).toBe(
      'access.banned',
    );
  });

  it('private channels are joined by invitation only', async () => {
    const { node, u } = await world();
    const { channel } = await node.submit(u('admin'), {
      kind: 'createChannel',
      name: 'staff',
      visibility: 'private',
    });
    const staff = channel!.id as ChannelId;
    expect(
      await refusedRule(node.submit(u('alice'), { kind: 'joinChannel', channel: staff })),
    ).toBe('access.invite-only');
    await node.submit(u('admin'), {
      kind: 'setRole',
      channel: staff,
      user: u('alice'),
      role: 'member',
    });
    expect(node.roleOf(staff, u('alice'))).toBe('member');
  });
});

describe('profiles', () => {
  it('a user updates its own profile; a bridged profile is controlled by the gateway', async () => {
    const { node, u } = await world();
    await node.submit(u('alice'), { kind: 'updateProfile', username: 'alice2', avatar: 'mxc://a' });
    expect(node.getUser(u('alice'))).toMatchObject({ username: 'alice2', avatar: 'mxc://a' });
    const bridged = await node.ensureBridgedUser(
      { network: 'irc', externalId: 'libera/carol' },
      { username: 'carol' },
    );
    expect(bridged.origin).toEqual({ network: 'irc', externalId: 'libera/carol' });
    const again = await node.ensureBridgedUser(
      { network: 'irc', externalId: 'libera/carol' },
      { username: 'carol_' },
    );
    expect(again.id).toBe(bridged.id);
    expect(node.getUser(bridged.id)?.username).toBe('carol_');
  });

  it('refuses, from a peer, a profile that names another controller than its signer', async () => {
    const node = await tempNode();
    const gateway = await tempNode();
    const impostor = generateKeyPair();
    const origin = { network: 'irc', externalId: 'libera/dave' };
    const data = {
      userId: bridgedUserId(gateway.address, origin),
      username: 'dave',
      controller: gateway.address,
      origin,
    };
    const { entry } = createEntry(impostor, {
      seq: 1,
      prev: null,
      hlc: { wall: Date.now(), counter: 0 },
      tx: {
        intent: 'updateProfile',
        actor: data.userId,
        consumes: [],
        creates: [{ kind: 'userProfile', data }],
        deps: [],
      },
    });
    const result = await node.ingest([{ entry, contents: new Map() }]);
    expect(result.rejected[0]?.reason).toMatch(/^tx.signer/);
    expect(node.getUser(data.userId)).toBeUndefined();
  });
});

describe('reactions', () => {
  it('members react once per emoji and only remove their own', async () => {
    const { node, u, ch } = await world();
    const m = (await node.submit(u('alice'), { kind: 'sendMessage', channel: ch, text: 'hi' }))
      .created!;
    await node.submit(u('bob'), { kind: 'react', message: m, emoji: '👍' });
    await node.submit(u('alice'), { kind: 'react', message: m, emoji: '👍' });
    expect(
      await refusedRule(node.submit(u('eve'), { kind: 'react', message: m, emoji: '👍' })),
    ).toBe('reaction.member');
    await expect(
      node.submit(u('alice'), { kind: 'unreact', message: m, emoji: '🎉' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await node.submit(u('bob'), { kind: 'unreact', message: m, emoji: '👍' });
    expect(node.getMessage(m)?.reactions).toEqual({ '👍': [u('alice')] });
  });
});
