/**
 * The emote flag (`/me waves`) lives in the message's content blob (`e: true`), so it travels
 * with the text: shown on the message, kept by an edit that does not say otherwise, accepted
 * from a peer with the declared length checked, and refused when malformed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChannelId, ContentHash, MultichatNode } from '../../../src/core/index.js';
import { encodeCanonical, hashBytes } from '../../../src/core/encoding.js';
import {
  contentEmote,
  contentTextLength,
  makeContent,
  utf8Length,
} from '../../../src/core/resources.js';
import { tempNode } from '../../support/core.js';
import { HostileAuthor } from '../p2p/injector.js';

async function setup() {
  const node = await tempNode();
  const alice = (await node.createLocalUser('alice')).user.id;
  const { channel } = await node.submit(alice, { kind: 'createChannel', name: 'general' });
  return { node, alice, ch: channel!.id };
}

/** A peer's signed message whose content blob is `bytes` (declaring `text`'s length). */
function peerMessage(
  author: HostileAuthor,
  node: MultichatNode,
  ch: ChannelId,
  text: string,
  bytes: Uint8Array,
) {
  const hash = hashBytes(bytes) as ContentHash;
  const data = {
    channel: ch,
    sender: author.user,
    contentHash: hash,
    contentLength: utf8Length(text),
    format: 'markdown',
    createdAt: Date.now(),
    nonce: randomBytes(8).toString('base64url'),
  };
  const built = author.next({
    intent: 'sendMessage',
    actor: author.user,
    consumes: [],
    creates: [{ kind: 'message', data }],
    channel: ch,
    deps: node.channelHeads(ch),
  });
  return { id: built.id, envelope: { entry: built.entry, contents: new Map([[hash, bytes]]) } };
}

describe('emotes', () => {
  it('an emote blob declares its text length like a plain one, and says it is an emote', () => {
    const plain = makeContent('wävës');
    const emote = makeContent('wävës', true);
    expect(contentTextLength(plain.bytes)).toBe(utf8Length('wävës'));
    expect(contentTextLength(emote.bytes)).toBe(utf8Length('wävës'));
    expect([contentEmote(plain.bytes), contentEmote(emote.bytes)]).toEqual([false, true]);
  });

  it('a sent emote shows the flag; an edit keeps it unless it says otherwise', async () => {
    const { node, alice, ch } = await setup();
    const sent = await node.submit(alice, {
      kind: 'sendMessage',
      channel: ch,
      text: 'waves',
      emote: true,
    });
    expect(sent.message).toMatchObject({ text: 'waves', emote: true });
    const id = sent.created as never;
    await node.submit(alice, { kind: 'editMessage', message: id, text: 'waves back' });
    expect(node.getMessage(id)).toMatchObject({ text: 'waves back', emote: true });
    await node.submit(alice, { kind: 'editMessage', message: id, text: 'says hi', emote: false });
    expect(node.getMessage(id)?.emote).toBeUndefined();
    const other = await node.submit(alice, { kind: 'sendMessage', channel: ch, text: 'plain' });
    expect(other.message?.emote).toBeUndefined();
  });

  it("a peer's emote is accepted and shown; a malformed flag is refused", async () => {
    const { node, ch } = await setup();
    const peer = new HostileAuthor();
    expect(
      (await node.ingest([peer.profile('pat'), peer.join(ch, node.channelHeads(ch))])).rejected,
    ).toEqual([]);
    const good = peerMessage(peer, node, ch, 'dances', makeContent('dances', true).bytes);
    expect((await node.ingest([good.envelope])).rejected).toEqual([]);
    peer.accept(good.id);
    expect(node.listMessages(ch).at(-1)).toMatchObject({ text: 'dances', emote: true });

    const odd = encodeCanonical({ e: 1, n: randomBytes(16), t: 'sneaks' });
    const bad = peerMessage(peer, node, ch, 'sneaks', odd);
    const result = await node.ingest([bad.envelope]);
    expect(result.rejected.map((r) => r.entry)).toEqual([bad.id]);
    expect(node.listMessages(ch).map((m) => m.text)).toEqual(['dances']);
  });
});
