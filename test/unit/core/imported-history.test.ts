/**
 * Imported history (docs/protocol.md, "Imported history"): a bridged person's message marked
 * origin.imported keeps its original createdAt, however old, and reads among the channel's
 * messages by that time; a replica that ingests the log in any order reads the same order. A
 * native user cannot backdate, nobody dates a message after the entry's clock, and createdAt
 * without the mark is refused.
 */
import { describe, expect, it } from 'vitest';
import { IntentRejectedError, ValidationError } from '../../../src/core/errors.js';
import type { ChannelId, MultichatNode, UserId } from '../../../src/core/types.js';
import { allEnvelopes, tempNode } from '../../support/core.js';

const DAY = 86_400_000;

async function world() {
  const node = await tempNode();
  const owner = (await node.createLocalUser('owner')).user.id;
  const { channel } = await node.submit(owner, { kind: 'createChannel', name: 'general' });
  const ch = channel!.id;
  const alice = (
    await node.ensureBridgedUser({ network: 'slack', externalId: 'U1' }, { username: 'alice' })
  ).id;
  await node.submit(alice, { kind: 'joinChannel', channel: ch });
  return { node, owner, alice, ch };
}

function imported(node: MultichatNode, user: UserId, ch: ChannelId, text: string, at: number) {
  return node.submit(user, {
    kind: 'sendMessage',
    channel: ch,
    text,
    origin: { network: 'slack', externalId: `slack?channel=C1#${text}`, imported: true },
    createdAt: at,
  });
}

describe('imported history', () => {
  it('keeps original times and reads by them, interleaved with live messages, on every replica', async () => {
    const { node, owner, alice, ch } = await world();
    const now = Date.now();
    await node.submit(owner, { kind: 'sendMessage', channel: ch, text: 'live 1' });
    // Imported after the live message, but said long before it: it reads first.
    await imported(node, alice, ch, 'old 2', now - 2 * DAY);
    await imported(node, alice, ch, 'old 1', now - 3 * DAY);
    await node.submit(owner, { kind: 'sendMessage', channel: ch, text: 'live 2' });
    const texts = node.listMessages(ch).map((m) => m.text);
    expect(texts).toEqual(['old 1', 'old 2', 'live 1', 'live 2']);
    const old = node.listMessages(ch)[0]!;
    expect(old.createdAt).toBe(new Date(now - 3 * DAY).toISOString());
    expect(old.origin).toEqual({
      network: 'slack',
      externalId: 'slack?channel=C1#old 1',
      imported: true,
    });
    // Paging by anchors follows the same order.
    expect(node.listMessages(ch, { after: old.id, limit: 2 }).map((m) => m.text)).toEqual([
      'old 2',
      'live 1',
    ]);

    const envelopes = allEnvelopes(node);
    for (const order of [envelopes, [...envelopes].reverse()]) {
      const replica = await tempNode();
      const result = await replica.ingest(order);
      expect(result.rejected).toEqual([]);
      expect(replica.listMessages(ch).map((m) => m.text)).toEqual(texts);
      expect(replica.listMessages(ch)[0]!.origin?.imported).toBe(true);
    }
  });

  it('refuses a native user’s import, a time after the clock, and createdAt without the mark', async () => {
    const { node, owner, alice, ch } = await world();
    await expect(imported(node, owner, ch, 'backdated', Date.now() - DAY)).rejects.toMatchObject({
      rule: 'message.imported',
    });
    await expect(
      imported(node, alice, ch, 'future', Date.now() + 10 * 60_000),
    ).rejects.toBeInstanceOf(IntentRejectedError);
    await expect(
      node.submit(alice, {
        kind: 'sendMessage',
        channel: ch,
        text: 'x',
        createdAt: Date.now() - DAY,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(node.listMessages(ch)).toEqual([]);
  });
});
