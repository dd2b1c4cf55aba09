/**
 * Files of an encrypted channel through a gateway that bridges it (with consent): a file that
 * comes in from one network is sealed into a new blob before its message is written, and the
 * gateway, a member, delivers the plaintext to the other network (equal bytes, the file's own
 * type and dimensions), while the blob it stores and would serve to peers is ciphertext.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobHash, ChannelId } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';
import { startHarness } from '../router/harness.js';
import {
  createMediaAdapter,
  memoryFile,
  sha256,
  type MediaAdapter,
} from '../router/media-adapter.js';

async function readAll(r: { stream(): AsyncIterable<Uint8Array> } | undefined): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of r?.stream() ?? []) parts.push(part);
  return Buffer.concat(parts);
}

describe('files of an encrypted channel through a gateway', () => {
  it('are sealed in the core and delivered in plaintext to the other network', async () => {
    const h = await startHarness(
      [
        { name: 'dc', build: createMediaAdapter('dc', true) },
        { name: 'mx', build: createMediaAdapter('mx', true) },
      ],
      { link: false, runtimeOptions: { blobWaitMs: 200 } },
    );
    h.expectDrops((c) => c.kind === 'join' && c.reason === 'unsupported');
    const channel = (
      await h.node.submit(h.alice.id, { kind: 'createChannel', name: 'vault', encrypted: true })
    ).channel!.id as ChannelId;
    for (const network of ['dc', 'mx']) {
      await h.runtime.links.create({
        channel,
        network,
        target: { channel: 'main' },
        allowEncrypted: true,
      });
    }
    const dc = h.runtime.adapter('dc') as MediaAdapter;
    const mx = h.runtime.adapter('mx') as MediaAdapter;
    const marker = Buffer.from(`MARK-${randomBytes(8).toString('hex')}`);
    const bytes = Buffer.concat([marker, randomBytes(70_000), marker]);
    await dc.post({ channel: 'main' }, 'bob', 'the map', [
      memoryFile('map.png', bytes, { mimeType: 'image/png', width: 40, height: 30 }),
    ]);
    await h.settle();

    const message = await eventually(() => h.node.listMessages(channel).at(-1), {
      what: 'the message in the core',
    });
    const file = message.attachments![0]!;
    expect(file).toMatchObject({ name: 'map.png', mimeType: 'image/png', size: bytes.length });
    expect(file.hash).not.toBe(sha256(bytes));
    const stored = await readAll(h.node.blobs.openStored(file.hash as BlobHash));
    expect(sha256(stored)).toBe(file.hash);
    expect(stored.includes(marker)).toBe(false);

    await eventually(() => mx.sent.length === 1, { what: 'the delivery to mx' });
    expect(mx.sent[0]!.text).toBe('the map');
    expect(mx.sent[0]!.files).toMatchObject([
      { name: 'map.png', mimeType: 'image/png', size: bytes.length, width: 40, height: 30 },
    ]);
    expect(mx.sent[0]!.files[0]!.sha256).toBe(sha256(bytes));
  });
});
