/**
 * Encrypted attachments (spec "Sending encrypted attachments"), checked against the Rust crypto's
 * own implementation (`Attachment` of matrix-sdk-crypto-wasm, what Element X uses): our sealed
 * file opens there to the same bytes, theirs opens here, and an altered byte is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Attachment, EncryptedAttachment, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openFile,
  readEncryptedFile,
  sealFile,
} from '../../../src/bridges/matrix/crypto/attachment.js';
import {
  EncryptedFileHashError,
  EncryptedFileInvalidError,
} from '../../../src/bridges/matrix/crypto/errors.js';
import { mediaMessage } from '../../../src/bridges/matrix/inbound-media.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A file in chunks of odd sizes, so the counter crosses chunk and block boundaries. */
function chunks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, n = 1; at < data.length; at += n, n = (n * 7 + 3) % 5000) {
    out.push(data.subarray(at, at + n));
  }
  return out;
}

describe('encrypted Matrix attachments', () => {
  beforeAll(async () => {
    await initAsync();
  });

  it('seals a file the Rust crypto opens to the same bytes (sha256), ciphertext ≠ plaintext', async () => {
    const plain = randomBytes(100_003);
    const sealing = sealFile(chunks(plain));
    const cipher = await collect(sealing.body);
    expect(cipher.length).toBe(plain.length);
    expect(cipher.equals(plain)).toBe(false);
    const file = sealing.file('mxc://localhost/abc');
    expect(file).toMatchObject({ url: 'mxc://localhost/abc', v: 'v2', key: { alg: 'A256CTR' } });
    const theirs = new EncryptedAttachment(cipher, JSON.stringify(file));
    expect(sha(Attachment.decrypt(theirs))).toBe(sha(plain));
  });

  it('opens a file the Rust crypto sealed, streaming', async () => {
    const plain = randomBytes(70_000);
    const theirs = Attachment.encrypt(plain);
    const info = JSON.parse(theirs.mediaEncryptionInfo!) as Record<string, unknown>;
    const file = readEncryptedFile({ ...info, url: 'mxc://localhost/xyz' });
    const opened = await collect(openFile(chunks(Buffer.from(theirs.encryptedData)), file));
    expect(sha(opened)).toBe(sha(plain));
  });

  it('refuses a file whose bytes were altered, and a `file` without a hash', async () => {
    const sealing = sealFile([randomBytes(4096)]);
    const cipher = await collect(sealing.body);
    const file = readEncryptedFile(sealing.file('mxc://localhost/abc'));
    cipher[100] = (cipher[100]! + 1) % 256;
    await expect(collect(openFile([cipher], file))).rejects.toThrow(EncryptedFileHashError);
    const { hashes: _, ...noHash } = sealing.file('mxc://localhost/abc');
    expect(() => readEncryptedFile(noHash)).toThrow(EncryptedFileInvalidError);
  });

  it('gives an inbound encrypted file as an attachment that reads as the plaintext', async () => {
    const plain = randomBytes(20_000);
    const sealing = sealFile([plain]);
    const cipher = await collect(sealing.body);
    const fetched: string[] = [];
    const media = mediaMessage(
      'm.room.message',
      {
        msgtype: 'm.file',
        body: 'plan.bin',
        info: { mimetype: 'application/x-plan', size: plain.length },
        file: sealing.file('mxc://localhost/plan'),
      },
      async (mxc) => {
        fetched.push(mxc);
        async function* body(): AsyncGenerator<Uint8Array> {
          yield* chunks(cipher);
        }
        return { contentType: 'application/octet-stream', body: body() };
      },
    );
    expect(media.notCarried).toBeUndefined();
    const [file] = media.attachments;
    expect(file).toMatchObject({ name: 'plan.bin', mimeType: 'application/x-plan', size: 20_000 });
    const opened = await file!.open();
    expect(sha(await collect(opened.body))).toBe(sha(plain));
    expect(fetched).toEqual(['mxc://localhost/plan']);
  });
});
