/**
 * Blob bytes live as long as a live message references them: redaction, expiry and channel
 * retention take the file from the data directory (unless another live message still references
 * the same bytes), an upload nobody sent is removed after 24 hours, and references arrive with
 * entries from peers as they do with local ones.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlobHash, ChannelId, MultichatNode, UserId } from '../../../src/core/index.js';
import { UNCLAIMED_UPLOAD_MS, type CoreBlobStore } from '../../../src/core/blobs/blob-store.js';
import { createNode } from '../../../src/core/index.js';
import { allEnvelopes, tempDir, tempNode } from '../../support/core.js';
import { eventually } from '../../support/eventually.js';

interface Setup {
  node: MultichatNode & { tick(): void };
  dir: string;
  alice: UserId;
  ch: ChannelId;
  clock: { now: number };
}

async function setup(retentionSeconds?: number): Promise<Setup> {
  const dir = tempDir();
  const clock = { now: Date.now() };
  const node = (await tempNode({ dataDir: dir, clock: () => clock.now })) as Setup['node'];
  const alice = (await node.createLocalUser('alice')).user.id;
  const { channel } = await node.submit(alice, {
    kind: 'createChannel',
    name: 'files',
    ...(retentionSeconds !== undefined && { retentionSeconds }),
  });
  return { node, dir, alice, ch: channel!.id, clock };
}

const fileOf = (s: Setup, hash: BlobHash) => join(s.dir, 'blobs', hash.slice(0, 2), hash);

async function sendFile(s: Setup, hash: BlobHash, extra: { expiresInSeconds?: number } = {}) {
  const result = await s.node.submit(s.alice, {
    kind: 'sendMessage',
    channel: s.ch,
    text: '',
    attachments: [{ hash, name: 'report.pdf', mimeType: 'application/pdf' }],
    ...extra,
  });
  return result.created!;
}

describe('blob bytes follow the messages that reference them', () => {
  it('redaction deletes the file once no live message references it', async () => {
    const s = await setup();
    const { hash } = await s.node.blobs.put(Buffer.from('quarterly numbers'), {
      uploader: s.alice,
    });
    const first = await sendFile(s, hash);
    const second = await sendFile(s, hash);
    expect(s.node.blobs.channelsReferencing(hash)).toEqual([s.ch]);

    await s.node.submit(s.alice, { kind: 'redactMessage', message: first });
    // A later marker: a put waits for any deletion the redaction started.
    await s.node.blobs.put(Buffer.from('marker'));
    // The second message still references the bytes: they stay.
    expect(s.node.getMessage(first)?.deleted).toBe(true);
    expect(existsSync(fileOf(s, hash))).toBe(true);
    expect(s.node.blobs.has(hash)).toBe(true);

    await s.node.submit(s.alice, { kind: 'redactMessage', message: second });
    await eventually(() => !existsSync(fileOf(s, hash)), { what: 'the file to be deleted' });
    expect(s.node.blobs.has(hash)).toBe(false);
    expect(s.node.blobs.channelsReferencing(hash)).toEqual([]);
    // The tombstone keeps no file name either.
    expect(s.node.getMessage(second)).toMatchObject({ deleted: true, text: null });
    expect(s.node.getMessage(second)?.attachments).toBeUndefined();
  });

  it('expiry deletes the file', async () => {
    const s = await setup();
    const { hash } = await s.node.blobs.put(Buffer.from('self-destructing'), { uploader: s.alice });
    const id = await sendFile(s, hash, { expiresInSeconds: 60 });
    expect(existsSync(fileOf(s, hash))).toBe(true);
    s.clock.now += 61_000;
    // An expired reference grants nothing even before the sweeper ran.
    expect(s.node.blobs.channelsReferencing(hash)).toEqual([]);
    s.node.tick();
    await eventually(() => !existsSync(fileOf(s, hash)), { what: 'the expired file to go' });
    expect(s.node.getMessage(id)?.deleted).toBe(true);
  });

  it('channel retention deletes the file', async () => {
    const s = await setup(3600);
    const { hash } = await s.node.blobs.put(Buffer.from('old news'), { uploader: s.alice });
    await sendFile(s, hash);
    s.clock.now += 3601_000;
    s.node.tick();
    await eventually(() => !existsSync(fileOf(s, hash)), { what: 'the retired file to go' });
  });

  it('an upload no message references is removed after 24 hours, not before', async () => {
    const s = await setup();
    const { hash } = await s.node.blobs.put(Buffer.from('never sent'), { uploader: s.alice });
    const sent = await s.node.blobs.put(Buffer.from('sent'), { uploader: s.alice });
    await sendFile(s, sent.hash);
    const store = s.node.blobs as CoreBlobStore;
    s.clock.now += UNCLAIMED_UPLOAD_MS - 1000;
    expect(await store.sweep()).toBe(0);
    expect(existsSync(fileOf(s, hash))).toBe(true);
    s.clock.now += 2000;
    // The node's periodic tick runs the same sweep.
    s.node.tick();
    await eventually(() => !existsSync(fileOf(s, hash)), { what: 'the unclaimed upload to go' });
    expect(s.node.blobs.has(hash)).toBe(false);
    expect(existsSync(fileOf(s, sent.hash))).toBe(true);
  });

  it('bytes whose last reference went just before a crash are deleted at the next start', async () => {
    const s = await setup();
    const { hash } = await s.node.blobs.put(Buffer.from('orphaned'), { uploader: s.alice });
    const kept = await s.node.blobs.put(Buffer.from('still shared'), { uploader: s.alice });
    await sendFile(s, hash);
    await sendFile(s, kept.hash);
    await s.node.stop();
    // The deletion of the reference committed; the process died before the file went.
    const db = new Database(join(s.dir, 'multichat.db'));
    expect(db.prepare('DELETE FROM blob_refs WHERE hash = ?').run(hash).changes).toBe(1);
    db.close();
    expect(existsSync(fileOf(s, hash))).toBe(true);
    const again = await createNode({ dataDir: s.dir, sweepIntervalMs: 0 });
    await again.start();
    expect(existsSync(fileOf(s, hash))).toBe(false);
    expect(again.blobs.has(hash)).toBe(false);
    expect(existsSync(fileOf(s, kept.hash))).toBe(true);
    await again.stop();
  });

  it('a message from a peer adds its references, and its redaction deletes the bytes there', async () => {
    const a = await setup();
    const bDir = tempDir();
    const b = await tempNode({ dataDir: bDir });
    const { hash } = await a.node.blobs.put(Buffer.from('shared file'), { uploader: a.alice });
    const id = await sendFile(a, hash);
    await b.ingest(allEnvelopes(a.node));
    expect(b.blobs.channelsReferencing(hash)).toEqual([a.ch]);
    // B fetches the bytes (as from a peer) for the message it holds.
    await b.blobs.put(Buffer.from('shared file'), { expectedHash: hash });
    const fileOnB = join(bDir, 'blobs', hash.slice(0, 2), hash);
    expect(existsSync(fileOnB)).toBe(true);

    await a.node.submit(a.alice, { kind: 'redactMessage', message: id });
    await b.ingest(allEnvelopes(a.node));
    expect(b.getMessage(id)?.deleted).toBe(true);
    await eventually(() => !existsSync(fileOnB), { what: 'the file on the peer to go' });
    expect(b.blobs.channelsReferencing(hash)).toEqual([]);
  });
});
