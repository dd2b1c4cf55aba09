/**
 * Encrypted channels between nodes that exchange envelopes (what sync does): members on two
 * nodes read each other, a relay holds only ciphertext, a removed member with its keys kept
 * cannot read what follows, a new member reads from its join on, a restart keeps what each
 * member could read.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createNode, type MultichatNode } from '../../../src/core/index.js';
import type { BlobHash, ChannelId, EntryEnvelope, UserId } from '../../../src/core/types.js';
import { allEnvelopes, tempDir, tempNode } from '../../support/core.js';

/** Gives `to` every entry of `from` it lacks; returns what it refused. */
async function sync(from: MultichatNode, to: MultichatNode) {
  const have = to.frontier();
  const envelopes: EntryEnvelope[] = [...from.frontier()].flatMap(([author]) =>
    from.entriesAfter(author, have.get(author) ?? 0, 1_000_000),
  );
  return (await to.ingest(envelopes)).rejected;
}

function texts(node: MultichatNode, channel: ChannelId) {
  return node.listMessages(channel).map((m) => m.text);
}

async function world() {
  const a = await tempNode();
  const b = await tempNode();
  const alice = (await a.createLocalUser('alice')).user.id;
  const bob = (await b.createLocalUser('bob')).user.id;
  const { channel } = await a.submit(alice, {
    kind: 'createChannel',
    name: 'secret',
    encrypted: true,
  });
  const ch = channel!.id;
  expect(await sync(a, b)).toEqual([]);
  await b.submit(bob, { kind: 'joinChannel', channel: ch });
  expect(await sync(b, a)).toEqual([]);
  return { a, b, alice, bob, ch };
}

describe('encrypted channels', () => {
  it('two members on two nodes read each other; the stored content is ciphertext', async () => {
    const { a, b, alice, bob, ch } = await world();
    const marker = `marker-${randomBytes(8).toString('hex')}`;
    const sent = await a.submit(alice, { kind: 'sendMessage', channel: ch, text: marker });
    expect(sent.message?.text).toBe(marker);
    expect(await sync(a, b)).toEqual([]);
    await b.submit(bob, { kind: 'sendMessage', channel: ch, text: 'hi alice' });
    expect(await sync(b, a)).toEqual([]);
    expect(texts(a, ch)).toEqual([marker, 'hi alice']);
    expect(texts(b, ch)).toEqual([marker, 'hi alice']);
    expect(a.canRead(ch)).toBe(true);
    expect(b.canRead(ch)).toBe(true);
    // The envelope that travels holds no plaintext.
    const wire = allEnvelopes(a).flatMap((e) => [...e.contents.values()]);
    expect(wire.length).toBeGreaterThan(0);
    for (const body of wire) expect(Buffer.from(body).includes(marker)).toBe(false);
  });

  it('a relay stores the ciphertext but reads no text', async () => {
    const { a, alice, ch } = await world();
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'for members only' });
    const relay = await tempNode();
    expect(await sync(a, relay)).toEqual([]);
    expect(relay.canRead(ch)).toBe(false);
    expect(texts(relay, ch)).toEqual([null]);
  });

  it('an edit is sealed too and members read the new text', async () => {
    const { a, b, alice, ch } = await world();
    const sent = await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'frist' });
    await a.submit(alice, { kind: 'editMessage', message: sent.created as never, text: 'first' });
    expect(await sync(a, b)).toEqual([]);
    expect(texts(b, ch)).toEqual(['first']);
  });

  it('a removed member cannot read what is sent after the removal; a new member reads from its join', async () => {
    const { a, b, alice, bob, ch } = await world();
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'before' });
    await a.submit(alice, { kind: 'setRole', channel: ch, user: bob, role: 'banned' });
    const carolNode = await tempNode();
    const carol = (await carolNode.createLocalUser('carol')).user.id;
    expect(await sync(a, carolNode)).toEqual([]);
    await carolNode.submit(carol, { kind: 'joinChannel', channel: ch });
    expect(await sync(carolNode, a)).toEqual([]);
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'after' });
    expect(await sync(a, b)).toEqual([]);
    expect(await sync(a, carolNode)).toEqual([]);
    // bob's node still holds his keys (nothing was deleted), yet the new chain was not shared with it.
    expect(texts(b, ch)).toEqual(['before', null]);
    expect(b.canRead(ch)).toBe(false);
    expect(texts(carolNode, ch)).toEqual([null, 'after']);
    expect(texts(a, ch)).toEqual(['before', 'after']);
  });

  it('a member who renames keeps its box key and reads on', async () => {
    const { a, b, alice, bob, ch } = await world();
    await b.submit(bob, { kind: 'updateProfile', username: 'robert' });
    expect(await sync(b, a)).toEqual([]);
    expect(a.getUser(bob)?.username).toBe('robert');
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'still yours' });
    expect(await sync(a, b)).toEqual([]);
    expect(texts(b, ch)).toEqual(['still yours']);
  });

  it('a member leaving is cut off the same way', async () => {
    const { a, b, alice, bob, ch } = await world();
    await b.submit(bob, { kind: 'leaveChannel', channel: ch });
    expect(await sync(b, a)).toEqual([]);
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'after the leave' });
    expect(await sync(a, b)).toEqual([]);
    expect(texts(b, ch)).toEqual([null]);
  });

  it('after a restart of every node each member reads what it could read before', async () => {
    const dirA = tempDir();
    const dirB = tempDir();
    let a = await createNode({ dataDir: dirA, sweepIntervalMs: 0 });
    let b = await createNode({ dataDir: dirB, sweepIntervalMs: 0 });
    const alice = (await a.createLocalUser('alice')).user.id;
    const bob = (await b.createLocalUser('bob')).user.id;
    const ch = (await a.submit(alice, { kind: 'createChannel', name: 's', encrypted: true }))
      .channel!.id;
    await sync(a, b);
    await b.submit(bob, { kind: 'joinChannel', channel: ch });
    await sync(b, a);
    for (let i = 0; i < 5; i += 1) {
      await a.submit(alice, { kind: 'sendMessage', channel: ch, text: `a${i}` });
      await b.submit(bob, { kind: 'sendMessage', channel: ch, text: `b${i}` });
    }
    await sync(a, b);
    await sync(b, a);
    const before = texts(a, ch);
    expect(before).toHaveLength(10);
    expect(before).not.toContain(null);
    await a.stop();
    await b.stop();
    a = await createNode({ dataDir: dirA, sweepIntervalMs: 0 });
    b = await createNode({ dataDir: dirB, sweepIntervalMs: 0 });
    try {
      expect(texts(a, ch)).toEqual(before);
      expect(texts(b, ch)).toEqual(before);
      // The sender chains go on where they stopped: new messages are read on both sides.
      await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'after restart' });
      expect(await sync(a, b)).toEqual([]);
      expect(texts(b, ch).at(-1)).toBe('after restart');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a second user of the same node joins and writes; the first reads it', async () => {
    const { a, b, ch } = await world();
    const dave = (await a.createLocalUser('dave')).user.id as UserId;
    await a.submit(dave, { kind: 'joinChannel', channel: ch });
    await a.submit(dave, { kind: 'sendMessage', channel: ch, text: 'dave here' });
    expect(texts(a, ch)).toEqual(['dave here']);
    expect(await sync(a, b)).toEqual([]);
    expect(texts(b, ch)).toEqual(['dave here']);
  });
});

describe('files in encrypted channels', () => {
  it('file names travel sealed: the transaction holds none, members read them', async () => {
    const { a, b, alice, ch } = await world();
    const upload = await a.blobs.put(Buffer.from('0123456789'), { uploader: alice });
    const name = `plans-${randomBytes(6).toString('hex')}.pdf`;
    const sent = await a.submit(alice, {
      kind: 'sendMessage',
      channel: ch,
      text: '',
      attachments: [{ hash: upload.hash, name, mimeType: 'application/pdf', size: 10 }],
    });
    // The bytes are sealed too (e2ee-files.test.ts): the message names the sealed blob.
    const hash = sent.message?.attachments?.[0]?.hash as BlobHash;
    expect(hash).not.toBe(upload.hash);
    expect(sent.message?.attachments).toEqual([
      { hash, name, mimeType: 'application/pdf', size: 10 },
    ]);
    expect(await sync(a, b)).toEqual([]);
    expect(b.listMessages(ch)[0]?.attachments?.[0]?.name).toBe(name);
    const relay = await tempNode();
    expect(await sync(a, relay)).toEqual([]);
    expect(relay.listMessages(ch)[0]?.attachments?.[0]).toMatchObject({ hash, name: '' });
    const [entry] = relay.getEntries([sent.entry]);
    expect(JSON.stringify(entry!.entry.tx)).not.toContain(name);
  });
});

describe('a gateway in an encrypted channel', () => {
  it('bridged people read and write through the gateway key', async () => {
    const { a, alice, ch } = await world();
    const gateway = await tempNode();
    const person = await gateway.ensureBridgedUser(
      { network: 'irc', externalId: 'nick' },
      { username: 'nick' },
    );
    expect(await sync(a, gateway)).toEqual([]);
    await gateway.submit(person.id, { kind: 'joinChannel', channel: ch });
    expect(gateway.canRead(ch)).toBe(true);
    await gateway.submit(person.id, { kind: 'sendMessage', channel: ch, text: 'from irc' });
    expect(await sync(gateway, a)).toEqual([]);
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'to irc' });
    expect(await sync(a, gateway)).toEqual([]);
    expect(texts(a, ch)).toEqual(['from irc', 'to irc']);
    expect(texts(gateway, ch)).toEqual(['from irc', 'to irc']);
  });
});

describe('deleting in an encrypted channel', () => {
  it('a redaction deletes the ciphertext on every node; the chain still verifies', async () => {
    const { a, b, alice, ch } = await world();
    const sent = await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'regret' });
    await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'kept' });
    expect(await sync(a, b)).toEqual([]);
    expect(b.getEntries([sent.entry])[0]!.contents.size).toBe(1);
    await a.submit(alice, { kind: 'redactMessage', message: sent.created as never });
    expect(await sync(a, b)).toEqual([]);
    for (const node of [a, b]) {
      expect(node.getEntries([sent.entry])[0]!.contents.size).toBe(0);
      expect(node.listMessages(ch).map((m) => [m.deleted, m.text])).toEqual([
        [true, null],
        [false, 'kept'],
      ]);
    }
    // A fresh non-member replica takes the whole log, tombstone included: every chain verifies.
    const replica = await tempNode();
    expect(await sync(a, replica)).toEqual([]);
    expect(replica.listMessages(ch).map((m) => [m.deleted, m.text])).toEqual([
      [true, null],
      [false, null],
    ]);
  });
});
