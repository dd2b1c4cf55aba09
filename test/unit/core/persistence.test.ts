import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../../src/core/index.js';
import { StoreBusyError } from '../../../src/core/errors.js';
import type { NodeEventOf } from '../../../src/core/index.js';
import { tempDir } from '../../support/core.js';

describe('restart persistence', () => {
  it('refuses a second node on a data directory that a running node owns', async () => {
    const dir = tempDir();
    const first = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    await first.createLocalUser('alice');
    await expect(createNode({ dataDir: dir, sweepIntervalMs: 0 })).rejects.toThrow(StoreBusyError);
    await first.stop();
    const second = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(second.findUserByName('alice')?.username).toBe('alice');
    await second.stop();
  });

  it('keeps history, roles, reactions, edits, tokens and the node key across a restart', async () => {
    const dir = tempDir();
    const first = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    const address = first.address;
    const alice = await first.createLocalUser('alice');
    const bob = await first.createLocalUser('bob');
    const { channel } = await first.submit(alice.user.id, {
      kind: 'createChannel',
      name: 'general',
      topic: 'talk',
    });
    const ch = channel!.id;
    await first.submit(bob.user.id, { kind: 'joinChannel', channel: ch });
    await first.submit(alice.user.id, {
      kind: 'setRole',
      channel: ch,
      user: bob.user.id,
      role: 'moderator',
    });
    const m1 = (
      await first.submit(alice.user.id, { kind: 'sendMessage', channel: ch, text: 'hello' })
    ).created!;
    await first.submit(bob.user.id, { kind: 'react', message: m1, emoji: '🎉' });
    await first.submit(alice.user.id, { kind: 'editMessage', message: m1, text: 'hello, world' });
    await first.submit(bob.user.id, {
      kind: 'sendMessage',
      channel: ch,
      text: 'reply',
      replyTo: m1,
    });
    const before = first.listMessages(ch);
    await first.stop();

    expect(statSync(join(dir, 'node.key')).mode & 0o777).toBe(0o600);
    const second = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(second.address).toBe(address);
    expect(second.listMessages(ch)).toEqual(before);
    expect(second.roleOf(ch, bob.user.id)).toBe('moderator');
    expect(second.getMessage(m1)?.reactions).toEqual({ '🎉': [bob.user.id] });
    expect(second.userForToken(alice.token)?.id).toBe(alice.user.id);
    expect(second.getChannel(ch)).toMatchObject({ name: 'general', topic: 'talk', memberCount: 2 });
    // The restarted node continues its users' logs where they stopped.
    const m3 = await second.submit(bob.user.id, {
      kind: 'sendMessage',
      channel: ch,
      text: 'after restart',
    });
    expect(second.listMessages(ch).map((m) => m.text)).toEqual([
      'hello, world',
      'reply',
      'after restart',
    ]);
    expect(m3.message?.replyTo).toBeUndefined();
    await second.stop();
  });
});

describe('notifications', () => {
  it('raises mention, reply and direct-channel notifications, never for the sender', async () => {
    const dir = tempDir();
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    const alice = (await node.createLocalUser('alice')).user;
    const bob = (await node.createLocalUser('bob')).user;
    const carol = (await node.createLocalUser('carol')).user;
    const seen: NodeEventOf<'notification'>[] = [];
    node.on('notification', (e) => seen.push(e));
    const { channel } = await node.submit(alice.id, { kind: 'createChannel', name: 'general' });
    await node.submit(bob.id, { kind: 'joinChannel', channel: channel!.id });
    const m = await node.submit(alice.id, {
      kind: 'sendMessage',
      channel: channel!.id,
      text: 'hi @bob and @carol and @alice',
    });
    await node.submit(bob.id, {
      kind: 'sendMessage',
      channel: channel!.id,
      text: 'yes',
      replyTo: m.created,
    });
    const dm = await node.submit(alice.id, {
      kind: 'createChannel',
      name: 'alice-carol',
      visibility: 'direct',
    });
    await node.submit(alice.id, {
      kind: 'setRole',
      channel: dm.channel!.id,
      user: carol.id,
      role: 'member',
    });
    await node.submit(alice.id, { kind: 'sendMessage', channel: dm.channel!.id, text: 'psst' });
    expect(seen.map((e) => [e.user, e.reason, e.message.text])).toEqual([
      [bob.id, 'mention', 'hi @bob and @carol and @alice'],
      [alice.id, 'reply', 'yes'],
      [carol.id, 'direct', 'psst'],
    ]);
    await node.stop();
  });
});
