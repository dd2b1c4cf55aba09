/**
 * The node's blob store: bytes in, the same bytes and sha256 out, files 0600 in 0700 folders,
 * limits and hash checks that leave nothing partial behind, image sizes read from headers, and
 * fetching from peers through the registered remote source (verified by hash).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobHashMismatchError, BlobTooLargeError } from '../../../src/core/errors.js';
import type { BlobHash, MultichatNode } from '../../../src/core/index.js';
import { imageSize } from '../../../src/core/blobs/image-size.js';
import { tempDir, tempNode } from '../../support/core.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function* chunks(data: Buffer, size: number, failAt?: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    if (failAt !== undefined && at >= failAt) throw new Error('the network went away');
    yield data.subarray(at, at + size);
  }
}

/** Every file under the blobs folder, temporary ones included. */
function blobFiles(dir: string): string[] {
  const root = join(dir, 'blobs');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function freshNode(): Promise<{ node: MultichatNode; dir: string }> {
  const dir = tempDir();
  return { node: await tempNode({ dataDir: dir }), dir };
}

function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, ihdr, Buffer.alloc(100, 7)]);
}

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(40);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), ...Array(9).fill(0)]);
  const sof = Buffer.alloc(19);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(17, 2);
  sof.writeUInt8(8, 4);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(20)]);
}

function webpVp8x(width: number, height: number): Buffer {
  const b = Buffer.alloc(40);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(32, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

describe('putting and reading blobs', () => {
  it('stores the bytes under their sha256, 0600 in 0700 folders, and streams them back', async () => {
    const { node, dir } = await freshNode();
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    const info = await node.blobs.put(chunks(data, 4096), { mimeType: 'application/pdf' });
    expect(info).toMatchObject({
      hash: sha256(data),
      size: data.length,
      mimeType: 'application/pdf',
    });
    const path = join(dir, 'blobs', info.hash.slice(0, 2), info.hash);
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'blobs')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'blobs', info.hash.slice(0, 2))).mode & 0o777).toBe(0o700);
    expect(node.blobs.has(info.hash)).toBe(true);
    const opened = node.blobs.open(info.hash)!;
    expect(opened.size).toBe(data.length);
    expect(sha256(await readAll(opened.stream()))).toBe(info.hash);
    // The same bytes again: same answer, still one file.
    expect(await node.blobs.put(data)).toMatchObject({ hash: info.hash, size: data.length });
    expect(blobFiles(dir)).toEqual([path]);
  });

  it('refuses bytes past maxBytes and leaves no partial file', async () => {
    const { node, dir } = await freshNode();
    const data = Buffer.alloc(10_000, 1);
    const error = await errorOf(node.blobs.put(chunks(data, 1000), { maxBytes: 9_999 }));
    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect((error as Error).message).toMatch(/9999 bytes/);
    expect(blobFiles(dir)).toEqual([]);
    expect(node.blobs.has(sha256(data) as BlobHash)).toBe(false);
    // Exactly at the limit is fine.
    expect((await node.blobs.put(data, { maxBytes: 10_000 })).size).toBe(10_000);
  });

  it('refuses bytes that do not hash to the expected address, keeping nothing', async () => {
    const { node, dir } = await freshNode();
    const wanted = sha256(Buffer.from('the real file')) as BlobHash;
    const error = await errorOf(node.blobs.put(Buffer.from('a forgery'), { expectedHash: wanted }));
    expect(error).toBeInstanceOf(BlobHashMismatchError);
    expect(blobFiles(dir)).toEqual([]);
    expect(node.blobs.has(wanted)).toBe(false);
  });

  it('a source that fails half-way leaves nothing behind', async () => {
    const { node, dir } = await freshNode();
    const data = Buffer.alloc(50_000, 3);
    await expect(node.blobs.put(chunks(data, 1000, 20_000))).rejects.toThrow(/went away/);
    expect(blobFiles(dir)).toEqual([]);
  });

  it('an empty file is a blob too', async () => {
    const { node } = await freshNode();
    const info = await node.blobs.put(new Uint8Array(0));
    expect(info).toMatchObject({ hash: sha256(new Uint8Array(0)), size: 0 });
    expect(node.blobs.open(info.hash)?.size).toBe(0);
  });
});

describe('image sizes', () => {
  it('reads width and height of PNG, GIF, JPEG and WebP headers', () => {
    expect(imageSize(png(640, 480))).toEqual({ width: 640, height: 480, mimeType: 'image/png' });
    expect(imageSize(gif(32, 16))).toEqual({ width: 32, height: 16, mimeType: 'image/gif' });
    expect(imageSize(jpeg(1024, 768))).toEqual({
      width: 1024,
      height: 768,
      mimeType: 'image/jpeg',
    });
    expect(imageSize(webpVp8x(300, 200))).toEqual({
      width: 300,
      height: 200,
      mimeType: 'image/webp',
    });
    for (const junk of [Buffer.from('<html>'), Buffer.alloc(0), png(640, 480).subarray(0, 20)]) {
      expect(imageSize(junk)).toBeUndefined();
    }
  });

  it('records the size of a stored image, and its type when none was declared', async () => {
    const { node } = await freshNode();
    const alice = (await node.createLocalUser('alice')).user.id;
    const info = await node.blobs.put(png(12, 34), { uploader: alice, name: 'cat.png' });
    expect(info).toMatchObject({ width: 12, height: 34, mimeType: 'image/png', name: 'cat.png' });
    expect(node.blobs.uploadedBy(info.hash, alice)).toBe(true);
    expect(node.blobs.describe(info.hash)).toMatchObject({ width: 12, height: 34 });
    const text = await node.blobs.put(Buffer.from('plain'), {
      mimeType: 'text/plain; charset=utf-8',
    });
    expect(node.blobs.describe(text.hash)).toEqual({
      hash: text.hash,
      size: 5,
      mimeType: 'text/plain',
    });
  });
});

describe('fetching from peers', () => {
  it('asks the remote source for a missing blob, verifies and keeps it', async () => {
    const { node } = await freshNode();
    const data = Buffer.from('held by a peer');
    const hash = sha256(data) as BlobHash;
    expect(await node.blobs.fetch(hash)).toBeUndefined();
    const asked: string[] = [];
    node.blobs.setRemoteSource(async (h) => {
      asked.push(h);
      return chunks(data, 4);
    });
    const got = await node.blobs.fetch(hash);
    expect(sha256(await readAll(got!.stream()))).toBe(hash);
    expect(node.blobs.has(hash)).toBe(true);
    // Now local: the peers are not asked again.
    await node.blobs.fetch(hash);
    expect(asked).toEqual([hash]);
  });

  it('a peer that sends other bytes gets nothing stored', async () => {
    const { node, dir } = await freshNode();
    const hash = sha256(Buffer.from('wanted')) as BlobHash;
    node.blobs.setRemoteSource(async () => chunks(Buffer.from('not it'), 2));
    expect(await node.blobs.fetch(hash)).toBeUndefined();
    expect(node.blobs.has(hash)).toBe(false);
    expect(blobFiles(dir)).toEqual([]);
    expect(existsSync(join(dir, 'blobs', hash.slice(0, 2), hash))).toBe(false);
  });
});
