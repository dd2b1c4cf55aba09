/**
 * The bytes of files in encrypted channels (issue 19): the sender's node seals them into a new
 * blob under a fresh key that travels inside the sealed message; relays store and serve that
 * ciphertext (checked by its hash) and never see the plaintext, its type or its dimensions; a
 * member's blob store opens it with equal bytes; changed bytes are refused with
 * BlobTamperedError; a redaction deletes the sealed bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { BlobTamperedError } from '../../../src/core/e2ee/errors.js';
import type { BlobHash, ChannelId, EntryEnvelope, UserId } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';
import { tempDir, tempNode } from '../../support/core.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function sync(from: MultichatNode, to: MultichatNode) {
  const have = to.frontier();
  const envelopes: EntryEnvelope[] = [...from.frontier()].flatMap(([author]) =>
    from.entriesAfter(author, have.get(author) ?? 0, 1_000_000),
  );
  return (await to.ingest(envelopes)).rejected;
}

/** `to` fetches blobs from `from` as P2P does: the stored bytes, checked by hash. */
function blobsFrom(to: MultichatNode, from: MultichatNode): void {
  to.blobs.setRemoteSource(async (hash) => from.blobs.openStored(hash)?.stream());
}

async function readAll(r: { stream(): AsyncIterable<Uint8Array> } | undefined): Promise<Buffer> {
  if (!r) throw new Error('no blob');
  const parts: Uint8Array[] = [];
  for await (const part of r.stream()) parts.push(part);
  return Buffer.concat(parts);
}

/** Every byte of the files under `dir` (database, WAL, blobs). */
function stored(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(f.parentPath, f.name))),
  );
}

async function world() {
  const dirs = { a: tempDir(), b: tempDir(), relay: tempDir() };
  const a = await tempNode({ dataDir: dirs.a });
  const b = await tempNode({ dataDir: dirs.b });
  const relay = await tempNode({ dataDir: dirs.relay });
  const alice = (await a.createLocalUser('alice')).user.id;
  const bob = (await b.createLocalUser('bob')).user.id;
  const ch = (await a.submit(alice, { kind: 'createChannel', name: 's', encrypted: true })).channel!
    .id as ChannelId;
  await sync(a, b);
  await b.submit(bob, { kind: 'joinChannel', channel: ch });
  await sync(b, a);
  return { a, b, relay, alice, bob, ch, dirs };
}

/** A 150 KB file (three chunks) with a marker at both ends. */
function markedFile(marker: string): Buffer {
  const m = Buffer.from(marker);
  return Buffer.concat([m, randomBytes(150 * 1024), m]);
}

async function sendFile(a: MultichatNode, alice: UserId, ch: ChannelId, bytes: Buffer) {
  const plain = await a.blobs.put(bytes, { uploader: alice, mimeType: 'image/png' });
  const sent = await a.submit(alice, {
    kind: 'sendMessage',
    channel: ch,
    text: 'see file',
    attachments: [
      {
        hash: plain.hash,
        name: 'map.png',
        mimeType: 'image/png',
        size: plain.size,
        width: 7,
        height: 5,
      },
    ],
  });
  return { plain, sent, sealed: sent.message!.attachments![0]!.hash! };
}

describe('file bytes in encrypted channels', () => {
  it('members read equal bytes; the relay carries ciphertext only, no type nor size of the plaintext', async () => {
    const { a, b, relay, alice, ch, dirs } = await world();
    const marker = `FILEMARK-${randomBytes(10).toString('hex')}`;
    const bytes = markedFile(marker);
    const { plain, sent, sealed } = await sendFile(a, alice, ch, bytes);
    expect(sealed).not.toBe(plain.hash);
    // The sender's view shows the file as sent.
    expect(sent.message!.attachments![0]).toEqual({
      hash: sealed,
      name: 'map.png',
      mimeType: 'image/png',
      size: bytes.length,
      width: 7,
      height: 5,
    });
    // The transaction says only: some bytes of the sealed size.
    const [entry] = a.getEntries([sent.entry]);
    expect(entry!.entry.tx.creates.find((r) => r.kind === 'message')).toMatchObject({
      data: {
        attachments: [
          {
            hash: sealed,
            name: '',
            mimeType: 'application/octet-stream',
            size: bytes.length + 3 * 16,
          },
        ],
      },
    });

    expect(await sync(a, relay)).toEqual([]);
    blobsFrom(relay, a);
    const atRelay = await relay.blobs.fetch(sealed);
    const ciphertext = await readAll(atRelay);
    expect(sha(ciphertext)).toBe(sealed);
    expect(ciphertext.includes(Buffer.from(marker))).toBe(false);
    expect(relay.blobs.describe(sealed)).toMatchObject({
      size: bytes.length + 48,
      mimeType: 'application/octet-stream',
    });
    expect(relay.listMessages(ch)[0]!.attachments![0]).toMatchObject({
      hash: sealed,
      name: '',
      mimeType: 'application/octet-stream',
    });

    // Bob's node has it only through the relay.
    expect(await sync(a, b)).toEqual([]);
    blobsFrom(b, relay);
    const atBob = await b.blobs.fetch(sealed);
    expect(atBob?.size).toBe(bytes.length);
    expect(sha(await readAll(atBob))).toBe(sha(bytes));
    expect(b.blobs.describe(sealed)).toMatchObject({
      size: bytes.length,
      mimeType: 'image/png',
      width: 7,
      height: 5,
    });
    expect(b.listMessages(ch)[0]!.attachments![0]).toMatchObject({
      name: 'map.png',
      mimeType: 'image/png',
      size: bytes.length,
    });

    expect(stored(dirs.relay).includes(Buffer.from(marker))).toBe(false);
    expect(stored(dirs.b).includes(Buffer.from(marker))).toBe(false);
  });

  it('changed ciphertext is refused with BlobTamperedError before any byte is released', async () => {
    const { a, b, alice, ch, dirs } = await world();
    const { sealed } = await sendFile(a, alice, ch, markedFile('x'));
    expect(await sync(a, b)).toEqual([]);
    blobsFrom(b, a);
    expect(await b.blobs.fetch(sealed)).toBeDefined();
    // One flipped byte in the last chunk of Bob's copy (the hash no longer matches: a disk fault
    // or a member who sealed bad bytes and named their hash).
    const path = join(dirs.b, 'blobs', sealed.slice(0, 2), sealed);
    const copy = readFileSync(path);
    copy[copy.length - 20]! ^= 1;
    writeFileSync(path, copy);
    const opened = b.blobs.open(sealed)!;
    const chunks: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const chunk of opened.stream()) chunks.push(chunk);
      })(),
    ).rejects.toBeInstanceOf(BlobTamperedError);
    expect(chunks).toEqual([]);
  });

  it('re-shared in a plaintext channel a file is plaintext again; in another encrypted one, sealed anew', async () => {
    const { a, b, alice, bob, ch } = await world();
    const bytes = markedFile('z');
    const { sealed } = await sendFile(a, alice, ch, bytes);
    expect(await sync(a, b)).toEqual([]);
    blobsFrom(b, a);
    await b.blobs.fetch(sealed);
    const lobby = (await b.submit(bob, { kind: 'createChannel', name: 'lobby' })).channel!.id;
    const vault = (await b.submit(bob, { kind: 'createChannel', name: 'vault2', encrypted: true }))
      .channel!.id;
    const reshare = async (channel: ChannelId) =>
      (
        await b.submit(bob, {
          kind: 'sendMessage',
          channel,
          text: 'again',
          attachments: [{ hash: sealed, name: 'map.png', mimeType: 'image/png' }],
        })
      ).message!.attachments![0]!;
    const open = await reshare(lobby);
    expect(open).toMatchObject({ hash: sha(bytes), mimeType: 'image/png', size: bytes.length });
    expect(sha(await readAll(b.blobs.openStored(open.hash!)))).toBe(sha(bytes));
    const again = await reshare(vault);
    expect(again.hash).not.toBe(sealed);
    expect(again.hash).not.toBe(sha(bytes));
    expect(sha(await readAll(b.blobs.open(again.hash!)))).toBe(sha(bytes));
  });

  it('a redaction deletes the sealed bytes', async () => {
    const { a, alice, ch } = await world();
    const { sent, sealed } = await sendFile(a, alice, ch, markedFile('y'));
    expect(a.blobs.has(sealed as BlobHash)).toBe(true);
    await a.submit(alice, { kind: 'redactMessage', message: sent.created as never });
    await eventually(() => !a.blobs.has(sealed as BlobHash), { what: 'the sealed blob to go' });
    expect(a.blobs.open(sealed as BlobHash)).toBeUndefined();
  });
});
