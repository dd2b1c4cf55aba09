/**
 * Messages with files and mentions: a file may come without text, attachments and mentions are
 * bounded and well-formed whether sent here or by a peer, and messages of 0.3 (url-only files,
 * no mentions) still verify and show.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import type { Attachment, ChannelId, MultichatNode, UserId } from '../../../src/core/index.js';
import { makeContent, utf8Length } from '../../../src/core/resources.js';
import { tempNode } from '../../support/core.js';
import { HostileAuthor } from '../p2p/injector.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

async function setup() {
  const node = await tempNode();
  const alice = (await node.createLocalUser('alice')).user.id;
  const bob = (await node.createLocalUser('bob')).user.id;
  const { channel } = await node.submit(alice, { kind: 'createChannel', name: 'general' });
  return { node, alice, bob, ch: channel!.id };
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** A signed message of `author` with these extra data fields, as a peer would send it. */
function peerMessage(
  author: HostileAuthor,
  node: MultichatNode,
  ch: ChannelId,
  extra: Record<string, unknown>,
) {
  const text = 'from a peer';
  const content = makeContent(text);
  const data = {
    channel: ch,
    sender: author.user,
    contentHash: content.hash,
    contentLength: utf8Length(text),
    format: 'markdown',
    createdAt: Date.now(),
    nonce: randomBytes(8).toString('base64url'),
    ...extra,
  };
  const built = author.next({
    intent: 'sendMessage',
    actor: author.user,
    consumes: [],
    creates: [{ kind: 'message', data }],
    channel: ch,
    deps: node.channelHeads(ch),
  });
  return {
    id: built.id,
    envelope: { entry: built.entry, contents: new Map([[content.hash, content.bytes]]) },
  };
}

describe('sending files and mentions', () => {
  it('a message may be only files; without files empty text is still refused', async () => {
    const { node, alice, ch } = await setup();
    const attachments: Attachment[] = [
      {
        hash: hex('photo') as never,
        name: 'photo.png',
        mimeType: 'image/png',
        size: 5,
        width: 2,
        height: 1,
      },
    ];
    const sent = await node.submit(alice, {
      kind: 'sendMessage',
      channel: ch,
      text: '',
      attachments,
    });
    expect(sent.message).toMatchObject({ text: '', attachments });
    expect(node.getMessage(sent.created!)).toMatchObject({ text: '', attachments });
    const error = await errorOf(
      node.submit(alice, { kind: 'sendMessage', channel: ch, text: ' ' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('text');
  });

  it('stores and shows the people a message mentions, by id', async () => {
    const { node, alice, bob, ch } = await setup();
    const sent = await node.submit(alice, {
      kind: 'sendMessage',
      channel: ch,
      text: 'hi bob',
      mentions: [bob],
    });
    expect(node.getMessage(sent.created!)?.mentions).toEqual([bob]);
    expect(node.listMessages(ch).at(-1)?.mentions).toEqual([bob]);
    const unknown = await errorOf(
      node.submit(alice, {
        kind: 'sendMessage',
        channel: ch,
        text: 'x',
        mentions: ['nobody' as UserId],
      }),
    );
    expect((unknown as ValidationError).message).toMatch(/unknown user nobody/);
  });

  it('notifies the members a message mentions by id, with no @name in the text', async () => {
    const { node, alice, bob, ch } = await setup();
    const carol = (await node.createLocalUser('carol')).user.id;
    await node.submit(bob, { kind: 'joinChannel', channel: ch });
    const seen: [string, string][] = [];
    node.on('notification', (e) => seen.push([e.user, e.reason]));
    // Carol is not a member and Alice is the sender: neither is told.
    await node.submit(alice, {
      kind: 'sendMessage',
      channel: ch,
      text: 'see this, Bob',
      mentions: [bob, carol, alice],
    });
    expect(seen).toEqual([[bob, 'mention']]);
  });

  it('refuses malformed or too many files and mentions, naming what is wrong', async () => {
    const { node, alice, bob, ch } = await setup();
    const file = { hash: hex('f') as never, name: 'f.txt' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['11 files', { attachments: Array(11).fill(file) }, /at most 10 attachments/],
      ['bad hash', { attachments: [{ hash: 'ABC', name: 'x' }] }, /64 lowercase hex/],
      ['no hash or url', { attachments: [{ name: 'x' }] }, /needs a hash or a url/],
      ['javascript url', { attachments: [{ url: 'javascript:alert(1)', name: 'x' }] }, /http\(s\)/],
      ['long name', { attachments: [{ ...file, name: 'n'.repeat(256) }] }, /at most 255/],
      ['negative size', { attachments: [{ ...file, size: -1 }] }, /non-negative integer/],
      ['extra field', { attachments: [{ ...file, open: 'x' }] }, /unknown field "open"/],
      ['51 mentions', { mentions: Array.from({ length: 51 }, (_, i) => `u${i}`) }, /at most 50/],
      ['twice', { mentions: [bob, bob] }, /twice/],
      ['not an id', { mentions: ['<@123>'] }, /not a user id/],
    ];
    for (const [what, extra, message] of cases) {
      const error = await errorOf(
        node.submit(alice, { kind: 'sendMessage', channel: ch, text: 'x', ...extra } as never),
      );
      expect(error, what).toBeInstanceOf(ValidationError);
      expect((error as Error).message, what).toMatch(message);
    }
    expect(node.listMessages(ch)).toHaveLength(0);
  });
});

describe('files and mentions from peers', () => {
  it("refuses a peer's message with a bad file or mention shape, with the reason", async () => {
    const { node, ch } = await setup();
    const mallory = new HostileAuthor();
    const setupEntries = [mallory.profile('mallory'), mallory.join(ch, node.channelHeads(ch))];
    expect((await node.ingest(setupEntries)).rejected).toEqual([]);
    const attacks: [string, Record<string, unknown>, string][] = [
      [
        '1000 files',
        { attachments: Array(1000).fill({ url: 'https://x.test/a', name: 'a' }) },
        'message.attachments',
      ],
      [
        'data url',
        { attachments: [{ url: 'data:text/html,<script>', name: 'a' }] },
        'message.attachments',
      ],
      [
        'size as text',
        { attachments: [{ hash: hex('a'), name: 'a', size: '12' }] },
        'message.attachments',
      ],
      ['mentions as text', { mentions: 'everyone' }, 'message.mentions'],
      ['a mention too long', { mentions: ['x'.repeat(65)] }, 'message.mentions'],
    ];
    for (const [what, extra, rule] of attacks) {
      const { id, envelope } = peerMessage(mallory, node, ch, extra);
      const result = await node.ingest([envelope]);
      expect(result.rejected, what).toEqual([
        { entry: id, reason: expect.stringMatching(`^${rule}`) },
      ]);
    }
    expect(node.listMessages(ch)).toHaveLength(0);
  });

  it('a 0.3 message (url-only file, no mentions) verifies and shows; a 0.4 one with a hash too', async () => {
    const { node, ch } = await setup();
    const peer = new HostileAuthor();
    expect(
      (await node.ingest([peer.profile('old'), peer.join(ch, node.channelHeads(ch))])).rejected,
    ).toEqual([]);
    const old = {
      url: 'https://cdn.example.test/a.png',
      name: 'a.png',
      mimeType: 'image/png',
      size: 42,
    };
    const first = peerMessage(peer, node, ch, { attachments: [old] });
    expect((await node.ingest([first.envelope])).rejected).toEqual([]);
    peer.accept(first.id);
    const hash = hex('new');
    const second = peerMessage(peer, node, ch, {
      attachments: [{ hash, name: 'b.bin', size: 3 }],
      mentions: [peer.user],
    });
    expect((await node.ingest([second.envelope])).rejected).toEqual([]);
    const [a, b] = node.listMessages(ch);
    expect(a).toMatchObject({ text: 'from a peer', attachments: [old] });
    expect(a!.mentions).toBeUndefined();
    expect(b).toMatchObject({
      attachments: [{ hash, name: 'b.bin', size: 3 }],
      mentions: [peer.user],
    });
    expect(node.blobs.channelsReferencing(hash as never)).toEqual([ch]);
  });
});
