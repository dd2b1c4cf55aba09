/**
 * `UrlFetcher.open` streams: the body is handed out as it arrives, the size limit and the
 * deadline hold while it streams (and close the socket), and a trusted operator origin may be
 * private while a redirect off it is checked like any other URL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockedAddressError,
  FetchTimeoutError,
  TooLargeError,
  UrlFetcher,
} from '../../../src/bridges/net/index.js';
import { countingServer, type CountingServer } from '../../support/counting-server.js';
import { eventually } from '../../support/eventually.js';

/** Responses the test writes to by hand, by path, with whether their socket closed. */
const held = new Map<string, { res: ServerResponse; closed: boolean }>();
let files: CountingServer;
let homeserver: CountingServer;
let other: CountingServer;

beforeAll(async () => {
  files = await countingServer('127.0.0.2', (req, res) => {
    const entry = { res, closed: false };
    res.on('close', () => (entry.closed = true));
    held.set(req.url ?? '', entry);
  });
  homeserver = await countingServer('127.0.0.1', (req, res) => {
    if (req.url === '/away') return void res.writeHead(302, { location: `${other.url}/x` }).end();
    if (req.url === '/here') return void res.writeHead(302, { location: '/media' }).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end('homeserver media');
  });
  other = await countingServer('127.0.0.3');
});
afterAll(async () => {
  await files?.close();
  await homeserver?.close();
  await other?.close();
});

const fetcher = (more: { maxBytes?: number; timeoutMs?: number } = {}) =>
  new UrlFetcher({ allow: ['127.0.0.2'], timeoutMs: 5_000, ...more });

async function heldResponse(path: string) {
  return eventually(() => held.get(path), { what: `the request for ${path}` });
}

/** Reads from `body` until at least `bytes` bytes came; returns them. */
async function readAtLeast(body: AsyncIterator<Uint8Array>, bytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < bytes) {
    const next = await body.next();
    if (next.done) break;
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return Buffer.concat(chunks);
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('UrlFetcher.open', () => {
  it('hands out the first bytes before the server has sent the rest', async () => {
    const [part1, part2] = [randomBytes(64 * 1024), randomBytes(100 * 1024)];
    const opening = fetcher().open(`${files.url}/stream`);
    const { res } = await heldResponse('/stream');
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(164 * 1024) });
    res.write(part1);
    const file = await opening;
    expect(file).toMatchObject({ url: `${files.url}/stream`, contentType: 'video/mp4' });
    expect(file.size).toBe(164 * 1024);
    const body = file.body[Symbol.asyncIterator]();
    const early = await readAtLeast(body, part1.length);
    // part2 is not written yet: these bytes can only have been streamed.
    expect(sha256(early)).toBe(sha256(part1));
    res.end(part2);
    const rest = await readAtLeast(body, Infinity);
    expect(sha256(Buffer.concat([early, rest]))).toBe(sha256(Buffer.concat([part1, part2])));
  });

  it('throws TooLargeError mid-stream, after the bytes under the limit, and closes the socket', async () => {
    const opening = fetcher({ maxBytes: 1_000 }).open(`${files.url}/unannounced`);
    const entry = await heldResponse('/unannounced');
    entry.res.writeHead(200); // no Content-Length: only the stream can tell
    entry.res.write(Buffer.alloc(600, 1));
    const file = await opening;
    expect(file.size).toBeUndefined();
    const body = file.body[Symbol.asyncIterator]();
    expect((await readAtLeast(body, 600)).byteLength).toBe(600);
    entry.res.write(Buffer.alloc(600, 2));
    const error = await body.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooLargeError);
    expect(error).toMatchObject({ maxBytes: 1_000 });
    await eventually(() => entry.closed, { what: 'the server to see the socket closed' });
  });

  it('closes the socket when the reader stops early', async () => {
    const opening = fetcher().open(`${files.url}/early`);
    const entry = await heldResponse('/early');
    entry.res.writeHead(200).write('first');
    for await (const chunk of (await opening).body) {
      expect(new TextDecoder().decode(chunk)).toBe('first');
      break;
    }
    await eventually(() => entry.closed, { what: 'the server to see the socket closed' });
  });

  it('the deadline covers the body: a stalled body ends in FetchTimeoutError', async () => {
    const opening = fetcher({ timeoutMs: 400 }).open(`${files.url}/stall`);
    const entry = await heldResponse('/stall');
    entry.res.writeHead(200).write('a little');
    const body = (await opening).body[Symbol.asyncIterator]();
    await readAtLeast(body, 8);
    const error = await readAtLeast(body, Infinity).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchTimeoutError);
    await eventually(() => entry.closed, { what: 'the server to see the socket closed' });
  });
});

describe('trusted origin', () => {
  const strict = () => new UrlFetcher({ timeoutMs: 5_000 });

  it('fetches from the operator-configured origin although it is loopback', async () => {
    await expect(strict().fetch(`${homeserver.url}/media`)).rejects.toThrow(BlockedAddressError);
    const file = await strict().fetch(`${homeserver.url}/media`, {
      trustedOrigin: `${homeserver.url}/_matrix`,
    });
    expect(new TextDecoder().decode(file.data)).toBe('homeserver media');
    const moved = await strict().fetch(`${homeserver.url}/here`, { trustedOrigin: homeserver.url });
    expect(moved.url).toBe(`${homeserver.url}/media`);
  });

  it('checks a redirect off the trusted origin like any URL', async () => {
    const error = await strict()
      .fetch(`${homeserver.url}/away`, { trustedOrigin: homeserver.url })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toMatchObject({ address: '127.0.0.3' });
    expect(other.requests).toHaveLength(0);
  });

  it('trusts only that origin: another port on the same host is refused', async () => {
    await expect(
      strict().fetch(`${homeserver.url}/media`, { trustedOrigin: 'http://127.0.0.1:1' }),
    ).rejects.toThrow(BlockedAddressError);
  });
});
