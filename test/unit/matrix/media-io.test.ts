/**
 * The Matrix media reads and writes against a loopback stand-in for the homeserver: downloads
 * carry the appservice token, reach the homeserver on loopback (its trusted origin) while a
 * redirect off it to loopback is refused without a request, stop at `maxBytes` while streaming; uploads stream with the announced size, stop a source whose bytes
 * do not add up, and report the homeserver's refusal; mxc URIs are checked before any request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixHttpError } from '../../../src/bridges/matrix/api.js';
import { BadMxcUriError, UploadSizeMismatchError } from '../../../src/bridges/matrix/errors.js';
import { HomeserverMedia, parseMxc } from '../../../src/bridges/matrix/media-download.js';
import { uploadMedia } from '../../../src/bridges/matrix/media-upload.js';
import {
  BlockedAddressError,
  HttpStatusError,
  TooLargeError,
  UrlFetcher,
} from '../../../src/bridges/net/index.js';
import { countingServer, type CountingServer } from '../../support/counting-server.js';

const TOKEN = 'as-token-for-the-media-test';
const seen: Array<{ url: string; auth?: string; body: Buffer; length?: string }> = [];
let server: Server;
let base: string;
/** Another loopback server: not the homeserver, so never to be reached. */
let inward: CountingServer;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  seen.push({
    url: req.url ?? '',
    ...(req.headers.authorization && { auth: req.headers.authorization }),
    ...(req.headers['content-length'] && { length: req.headers['content-length'] }),
    body: Buffer.concat(chunks),
  });
  const url = req.url ?? '';
  if (url.includes('/download/hs/small'))
    return void res.writeHead(200, { 'content-type': 'text/plain' }).end('small file');
  if (url.includes('/download/hs/big')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no length announced
    for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, i));
    return void res.end();
  }
  if (url.includes('/download/hs/moved'))
    return void res.writeHead(302, { location: `${inward.url}/secret` }).end();
  if (url.includes('/download/hs/renamed'))
    return void res
      .writeHead(307, { location: '/_matrix/client/v1/media/download/hs/small' })
      .end();
  if (url.startsWith('/_matrix/media/v3/upload')) {
    if (url.includes('filename=huge'))
      return void res
        .writeHead(413, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errcode: 'M_TOO_LARGE', error: 'too big' }));
    return void res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ content_uri: 'mxc://hs/uploaded' }));
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  inward = await countingServer('127.0.0.1');
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await inward?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function text(stream: { body: AsyncIterable<Uint8Array> }): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('HomeserverMedia', () => {
  // The default policy: no loopback, except the homeserver as the trusted origin.
  const media = () =>
    new HomeserverMedia(base, TOKEN, new UrlFetcher({ maxBytes: 5_000, timeoutMs: 10_000 }));

  it('reads a file through authenticated media with the appservice token', async () => {
    const stream = await media().open('mxc://hs/small');
    expect(stream.contentType).toBe('text/plain');
    expect(await text(stream)).toBe('small file');
    expect(seen.at(-1)).toMatchObject({
      url: '/_matrix/client/v1/media/download/hs/small',
      auth: `Bearer ${TOKEN}`,
    });
  });

  it('stops a body larger than maxBytes while it streams', async () => {
    const stream = await media().open('mxc://hs/big');
    await expect(text(stream)).rejects.toBeInstanceOf(TooLargeError);
  });

  it('follows a redirect on the homeserver, refuses one off it to loopback, names a missing file', async () => {
    expect(await text(await media().open('mxc://hs/renamed'))).toBe('small file');
    expect(seen.at(-1)).toMatchObject({ auth: `Bearer ${TOKEN}` });
    await expect(media().open('mxc://hs/moved')).rejects.toBeInstanceOf(BlockedAddressError);
    expect(inward.requests).toHaveLength(0);
    const missing = await media()
      .open('mxc://hs/nothing')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(HttpStatusError);
    expect((missing as HttpStatusError).status).toBe(404);
  });

  it('checks an mxc URI before any request', async () => {
    const before = seen.length;
    for (const bad of ['https://hs/x', 'mxc://hs/../../admin', 'mxc://hs/a/b', 'mxc:///x'])
      await expect(media().open(bad)).rejects.toBeInstanceOf(BadMxcUriError);
    expect(seen.length).toBe(before);
    expect(parseMxc('mxc://example.org:8448/AbC_-9')).toEqual({
      serverName: 'example.org:8448',
      mediaId: 'AbC_-9',
    });
  });
});

describe('uploadMedia', () => {
  async function* chunks(...parts: string[]) {
    for (const part of parts) yield new TextEncoder().encode(part);
  }

  it('streams the bytes with their length as the given user', async () => {
    const uri = await uploadMedia(
      base,
      TOKEN,
      { body: chunks('hello ', 'world'), size: 11, contentType: 'text/plain', filename: 'h.txt' },
      '@mc_bob:hs',
    );
    expect(uri).toBe('mxc://hs/uploaded');
    const req = seen.at(-1);
    expect(req?.url).toBe('/_matrix/media/v3/upload?filename=h.txt&user_id=%40mc_bob%3Ahs');
    expect(req?.length).toBe('11');
    expect(req?.body.toString()).toBe('hello world');
  });

  it('stops a source whose bytes do not match its size', async () => {
    const file = { contentType: 'text/plain', filename: 'x.txt' };
    await expect(
      uploadMedia(base, TOKEN, { ...file, body: chunks('12345'), size: 3 }),
    ).rejects.toBeInstanceOf(UploadSizeMismatchError);
    await expect(
      uploadMedia(base, TOKEN, { ...file, body: chunks('1'), size: 3 }),
    ).rejects.toBeInstanceOf(UploadSizeMismatchError);
  });

  it('reports the homeserver refusing the upload', async () => {
    const refused = await uploadMedia(base, TOKEN, {
      body: chunks('x'),
      size: 1,
      contentType: 'text/plain',
      filename: 'huge',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MatrixHttpError);
    expect(refused).toMatchObject({ status: 413, errcode: 'M_TOO_LARGE', permanent: true });
  });
});
