/**
 * A page of messages (listMessages: the newest, after an anchor, before an anchor) is read as
 * raw rows turned into objects, while one message (getMessage) is read as an object row: both
 * must show the same thing, field for field, whatever a message went through (emote, reply,
 * thread reply, edit, reaction, redaction, expiry date).
 */
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../../src/core/index.js';
import { contentParts, makeContent } from '../../../src/core/resources.js';
import { tempNode } from '../../support/core.js';

async function channelWithHistory() {
  const node = await tempNode();
  const alice = (await node.createLocalUser('alice')).user.id;
  const bob = (await node.createLocalUser('bob')).user.id;
  const { channel } = await node.submit(alice, { kind: 'createChannel', name: 'general' });
  const ch = channel!.id;
  await node.submit(bob, { kind: 'joinChannel', channel: ch });
  const send = async (user: typeof alice, text: string, extra: object = {}) =>
    (await node.submit(user, { kind: 'sendMessage', channel: ch, text, ...extra }))
      .created as MessageId;
  const first = await send(alice, 'hello ünïcode');
  const emote = await send(bob, 'waves', { emote: true });
  await send(alice, 'a reply', { replyTo: first });
  await send(bob, 'in a thread', { threadRoot: first });
  const edited = await send(alice, 'typo');
  await node.submit(alice, { kind: 'editMessage', message: edited, text: 'fixed' });
  await node.submit(bob, { kind: 'react', message: first, emoji: '👍' });
  await node.submit(alice, { kind: 'react', message: first, emoji: '👍' });
  const gone = await send(bob, 'oops');
  await node.submit(bob, { kind: 'redactMessage', message: gone });
  await send(alice, 'short-lived', { expiresInSeconds: 3600 });
  for (let i = 0; i < 5; i += 1) await send(i % 2 ? alice : bob, `filler ${i}`);
  return { node, ch, first, emote, edited, gone };
}

describe('message pages', () => {
  it('every page shows each message exactly as getMessage does', async () => {
    const { node, ch, first, emote, edited, gone } = await channelWithHistory();
    const all = node.listMessages(ch, { limit: 100 });
    expect(all).toHaveLength(12);
    for (const message of all) expect(message).toEqual(node.getMessage(message.id));
    const byId = new Map(all.map((m) => [m.id, m]));
    expect(byId.get(first)?.reactions['👍']).toHaveLength(2);
    expect(byId.get(emote)).toMatchObject({ text: 'waves', emote: true });
    expect(byId.get(edited)?.text).toBe('fixed');
    expect(byId.get(edited)?.editedAt).toBeDefined();
    expect(byId.get(gone)).toMatchObject({ deleted: true, text: null });

    const ids = all.map((m) => m.id);
    expect(node.listMessages(ch, { limit: 4 }).map((m) => m.id)).toEqual(ids.slice(-4));
    expect(node.listMessages(ch, { after: ids[3]!, limit: 5 })).toEqual(all.slice(4, 9));
    expect(node.listMessages(ch, { before: ids[9]!, limit: 3 })).toEqual(all.slice(6, 9));
    expect(node.listMessages(ch, { after: ids[2]!, before: ids[6]!, limit: 50 })).toEqual(
      all.slice(3, 6),
    );
    await node.stop();
  });

  it('reads text and emote flag of a content blob in one decode', () => {
    expect(contentParts(makeContent('wävës').bytes)).toEqual({ text: 'wävës', emote: false });
    expect(contentParts(makeContent('waves', true).bytes)).toEqual({ text: 'waves', emote: true });
    expect(contentParts(Uint8Array.of(0xff, 0x00))).toEqual({ text: undefined, emote: false });
  });
});
