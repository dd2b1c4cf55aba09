/**
 * The state view caches messages (src/core/state/view.ts): what the solver and the logics read
 * must follow every change to a message, whether a redaction, an expiry or a write of the same
 * open bulk batch.
 */
import { describe, expect, it, vi } from 'vitest';
import { createNode, NotFoundError } from '../../../src/core/index.js';
import type { NodeEventOf } from '../../../src/core/index.js';
import { tempDir, tempNode } from '../../support/core.js';

describe('message state cache', () => {
  it('refuses reactions and edits once a message read before is redacted', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const m = await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: 'hi' });
    const id = m.created!;
    await node.submit(user.id, { kind: 'react', message: id, emoji: '👍' });
    const reply = await node.submit(user.id, {
      kind: 'sendMessage',
      channel: channel!.id,
      text: 'reply',
      replyTo: id,
    });
    expect(node.getMessage(reply.created!)?.replyTo).toBe(id);
    await node.submit(user.id, { kind: 'redactMessage', message: id });
    await expect(node.submit(user.id, { kind: 'react', message: id, emoji: '🎉' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      node.submit(user.id, { kind: 'editMessage', message: id, text: 'again' }),
    ).rejects.toThrow(NotFoundError);
    expect(node.getMessage(id)).toMatchObject({ deleted: true, text: null });
  });

  it('refuses a reaction to a message read before it expired', async () => {
    let now = Date.now();
    const node = await createNode({ dataDir: tempDir(), clock: () => now, sweepIntervalMs: 10 });
    await node.start();
    try {
      const { user } = await node.createLocalUser('alice');
      const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
      const m = await node.submit(user.id, {
        kind: 'sendMessage',
        channel: channel!.id,
        text: 'soon gone',
        expiresInSeconds: 60,
      });
      await node.submit(user.id, { kind: 'react', message: m.created!, emoji: '👍' });
      const deletes: NodeEventOf<'delete'>[] = [];
      node.on('delete', (e) => deletes.push(e));
      now += 61_000;
      await vi.waitFor(() => expect(deletes).toHaveLength(1));
      await expect(
        node.submit(user.id, { kind: 'react', message: m.created!, emoji: '🎉' }),
      ).rejects.toThrow(NotFoundError);
    } finally {
      await node.stop();
    }
  });

  it('lets a bulk write reply to and react on a message of the same open batch', async () => {
    const node = await tempNode();
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const root = await node.submit(
      user.id,
      { kind: 'sendMessage', channel: channel!.id, text: 'root' },
      { bulk: true },
    );
    const reply = await node.submit(
      user.id,
      { kind: 'sendMessage', channel: channel!.id, text: 'in thread', threadRoot: root.created! },
      { bulk: true },
    );
    await node.submit(
      user.id,
      { kind: 'react', message: root.created!, emoji: '👍' },
      { bulk: true },
    );
    await node.commitWrites();
    expect(node.getMessage(reply.created!)?.threadRoot).toBe(root.created);
    expect(node.getMessage(root.created!)?.reactions['👍']).toEqual([user.id]);
  });
});
