/**
 * The URL fetcher against loopback servers: what it refuses never reaches the server (counted),
 * redirects are re-checked, the socket goes to the checked address, credentials stay on their
 * origin, and size and time limits hold however the server behaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadUrlError,
  BlockedAddressError,
  FetchTimeoutError,
  HttpStatusError,
  RedirectError,
  TooLargeError,
  UrlFetcher,
  type Resolver,
} from '../../../src/bridges/net/index.js';
import { countingServer, redirector, type CountingServer } from '../../support/counting-server.js';

let internal: CountingServer;
let allowed: CountingServer;

beforeAll(async () => {
  internal = await countingServer('127.0.0.1');
  allowed = await countingServer('127.0.0.2', (req, res) => {
    if (req.url === '/big')
      // No Content-Length: the limit must hold while streaming.
      return void res.writeHead(200).end(Buffer.alloc(4_096));
    if (req.url === '/announced') {
      res.writeHead(200, { 'content-length': '1000000' });
      return void res.write('x');
    }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/missing') return void res.writeHead(404).end();
    if (req.url === '/self') return void res.writeHead(302, { location: '/file' }).end();
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(`file for ${req.headers.host}`);
  });
});
afterAll(async () => {
  await internal?.close();
  await allowed?.close();
});

const strict = () => new UrlFetcher({ allow: ['127.0.0.2'], timeoutMs: 5_000 });

describe('URL fetcher', () => {
  it('fetches from an allowed address with its content type', async () => {
    const file = await strict().fetch(`${allowed.url}/file`);
    expect(new TextDecoder().decode(file.data)).toBe(`file for 127.0.0.2:${allowed.port}`);
    expect(file.contentType).toBe('image/png');
  });

  it.each([
    ['loopback', (p: number) => `http://127.0.0.1:${p}/secret`],
    ['IPv4-mapped', (p: number) => `http://[::ffff:127.0.0.1]:${p}/secret`],
    ['IPv4-mapped hex', (p: number) => `http://[::ffff:7f00:1]:${p}/`],
    ['decimal', (p: number) => `http://2130706433:${p}/`],
    ['hex and short', (p: number) => `http://0x7f.1:${p}/`],
    ['localhost', (p: number) => `http://localhost:${p}/secret`],
  ])('refuses %s without a request reaching the server', async (_form, url) => {
    const error = await strict()
      .fetch(url(internal.port))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).permanent).toBe(true);
    expect((error as BlockedAddressError).message).toMatch(/loopback/);
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a public-looking name that resolves to loopback, naming host and address', async () => {
    const resolve: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const error = await new UrlFetcher({}, resolve)
      .fetch(`http://files.example.com:${internal.port}/`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toMatchObject({ host: 'files.example.com', address: '127.0.0.1' });
    expect(internal.requests).toHaveLength(0);
  });

  it('re-checks a redirect target: an allowed server cannot bounce the fetch inward', async () => {
    for (const to of [
      `http://127.0.0.1:${internal.port}/secret`,
      `http://[::ffff:127.0.0.1]:${internal.port}/secret`,
      `http://localhost:${internal.port}/secret`,
    ]) {
      const bounce = await redirector('127.0.0.2', to, 307);
      try {
        const error = await strict()
          .fetch(`${bounce.url}/avatar.png`)
          .catch((e: unknown) => e);
        expect(error, to).toBeInstanceOf(BlockedAddressError);
        expect(bounce.requests).toHaveLength(1);
      } finally {
        await bounce.close();
      }
    }
    expect(internal.requests).toHaveLength(0);
  });

  it('connects to the address it checked, not to a second DNS answer', async () => {
    let calls = 0;
    // A rebinding resolver: allowed address first, the internal one afterwards.
    const resolve: Resolver = async () => [
      { address: calls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 },
    ];
    const fetcher = new UrlFetcher({ allow: ['127.0.0.2'] }, resolve);
    const file = await fetcher.fetch(`http://rebind.example:${allowed.port}/file`);
    expect(new TextDecoder().decode(file.data)).toBe(`file for rebind.example:${allowed.port}`);
    expect(calls).toBe(1);
    await expect(fetcher.fetch(`http://rebind.example:${internal.port}/`)).rejects.toThrow(
      BlockedAddressError,
    );
    expect(internal.requests).toHaveLength(0);
  });

  it('follows same-origin redirects and stops after the limit', async () => {
    const file = await strict().fetch(`${allowed.url}/self`);
    expect(file.url).toBe(`${allowed.url}/file`);
    await expect(strict().fetch(`${allowed.url}/loop`)).rejects.toThrow(RedirectError);
  });

  it('drops credentials when a redirect leaves the first origin, keeps them on it', async () => {
    const other = await countingServer('127.0.0.3');
    const bounce = await redirector('127.0.0.2', `${other.url}/file`);
    try {
      const fetcher = new UrlFetcher({ allow: ['127.0.0.2', '127.0.0.3'] });
      const headers = { Authorization: 'Bearer xoxb-secret', Cookie: 'c=1', Accept: 'image/*' };
      await fetcher.fetch(`${bounce.url}/private`, { headers });
      expect(bounce.requests[0]?.headers.authorization).toBe('Bearer xoxb-secret');
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
      expect(other.requests[0]?.headers.cookie).toBeUndefined();
      expect(other.requests[0]?.headers.accept).toBe('image/*');
      const seen = allowed.requests.length;
      await fetcher.fetch(`${allowed.url}/self`, { headers });
      expect(allowed.requests.slice(seen).map((r) => r.headers.authorization)).toEqual([
        'Bearer xoxb-secret',
        'Bearer xoxb-secret',
      ]);
    } finally {
      await bounce.close();
      await other.close();
    }
  });

  it('stops a body past maxBytes, announced or not', async () => {
    const small = new UrlFetcher({ allow: ['127.0.0.2'], maxBytes: 1_024 });
    await expect(small.fetch(`${allowed.url}/big`)).rejects.toThrow(TooLargeError);
    await expect(small.fetch(`${allowed.url}/announced`)).rejects.toThrow(TooLargeError);
    await expect(strict().fetch(`${allowed.url}/big`, { maxBytes: 100 })).rejects.toThrow(
      /larger than 100 bytes/,
    );
  });

  it('gives up after the time limit, also while resolving', async () => {
    const quick = new UrlFetcher({ allow: ['127.0.0.2'], timeoutMs: 300 });
    const error = await quick.fetch(`${allowed.url}/hang`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchTimeoutError);
    expect((error as FetchTimeoutError).permanent).toBe(false);
    const never: Resolver = () => new Promise(() => undefined);
    await expect(
      new UrlFetcher({ timeoutMs: 300 }, never).fetch('http://slow-dns.example/'),
    ).rejects.toThrow(FetchTimeoutError);
  });

  it('refuses non-http URLs and URLs with credentials; reports HTTP errors', async () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://127.0.0.2/',
      'not a url',
      'http://u:p@x.example/',
    ])
      await expect(strict().fetch(url), url).rejects.toThrow(BadUrlError);
    const missing = await strict()
      .fetch(`${allowed.url}/missing`)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HttpStatusError);
    expect(missing).toMatchObject({ status: 404, permanent: true });
  });
});
