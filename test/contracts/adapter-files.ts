/**
 * The attachment case of the adapter contract: an adapter that declares `attachments` uploads a
 * file natively (no link in its place), and the person downloads the very same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { OutboundAttachment } from '../../src/bridges/types.js';
import type { DefineCase } from './adapter.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A file the node's blob store would hand the adapter: bytes, hash and a link it never needs. */
function attachment(name: string, bytes: Uint8Array): OutboundAttachment {
  return {
    hash: sha256(bytes),
    name,
    mimeType: 'application/octet-stream',
    size: bytes.byteLength,
    // Loopback port 9 (discard) serves nothing: a link in place of the file would not read back.
    url: `http://127.0.0.1:9/api/v1/media/${sha256(bytes)}?sig=contract`,
    open: async () => ({
      contentType: 'application/octet-stream',
      size: bytes.byteLength,
      body: (async function* () {
        // Two chunks, as a stream from the blob store would come.
        yield bytes.subarray(0, 1_000);
        yield bytes.subarray(1_000);
      })(),
    }),
  };
}

export function fileCases(define: DefineCase): void {
  define(
    'attachment',
    'a file is uploaded natively and downloads as the same bytes (sha256)',
    { capability: 'attachments' },
    async (c, target) => {
      const bytes = new Uint8Array(randomBytes(5_000));
      const name = `${c.token('file')}.bin`;
      const word = c.token('caption');
      await c.courier.send(target, word, { attachments: [attachment(name, bytes)] });
      const file = await c.seen(
        target,
        (p) => p.flatMap((x) => x.files).find((f) => f.name === name),
        'the uploaded file',
      );
      expect(sha256(await file.download())).toBe(sha256(bytes));
      const posts = await c.world.person.read(target);
      expect(posts.some((x) => x.text.includes(word))).toBe(true);
      // Uploaded, so its link was not posted in its place.
      expect(posts.some((x) => x.text.includes('127.0.0.1:9'))).toBe(false);
    },
  );
}
