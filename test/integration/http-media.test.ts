/**
 * Files through the native API: upload, attach by hash, read the same bytes back; the upload
 * limit; who may read (members, the uploader, signed links; not strangers); uploaded HTML never
 * served as a page; mentions by id.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaLinks } from '../../src/gateway/media-links.js';
import { ADMIN, startApi, type Json, type TestApi } from './http-helpers.js';

const MAX = 64 * 1024;
let api: TestApi;
let links: MediaLinks;
let clock = Date.now();
let alice = '';
let aliceId = '';
let bob = '';
let bobId = '';
let eve = '';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A raw request (the helper's `call` sends JSON). */
async function raw(
  method: string,
  path: string,
  opts: { token?: string; body?: Uint8Array; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.type) headers['content-type'] = opts.type;
  const res = await api.gateway.app.request(path, {
    method,
    headers,
    ...(opts.body ? { body: opts.body } : {}),
  });
  return res;
}

async function upload(token: string, bytes: Uint8Array, name: string, type: string) {
  const res = await raw('POST', `/api/v1/media?name=${encodeURIComponent(name)}`, {
    token,
    body: bytes,
    type,
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function user(name: string): Promise<[string, string]> {
  const res = await api.call('POST', '/api/v1/users', { token: ADMIN, body: { username: name } });
  return [res.json.token as string, res.json.id as string];
}

beforeAll(async () => {
  links = new MediaLinks(Buffer.alloc(32, 9), '', () => clock);
  api = await startApi({ media: { maxBytes: MAX, links } });
  [alice, aliceId] = await user('alice');
  [bob, bobId] = await user('bob');
  [eve] = await user('eve');
  await api.call('POST', '/api/v1/channels', {
    token: alice,
    body: { name: 'team', visibility: 'private' },
  });
  const team = (await api.call('GET', '/api/v1/channels/team', { token: alice })).json.id;
  await api.call('PUT', `/api/v1/channels/${team}/members/${bobId}`, {
    token: alice,
    body: { role: 'member' },
  });
});
afterAll(async () => {
  await api.close();
});

describe('upload, attach, read back', () => {
  it('serves the same bytes to a member, with the type and size of the upload', async () => {
    const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 31) % 256));
    const up = await upload(alice, bytes, 'data.bin', 'application/x-thing');
    expect(up.status).toBe(201);
    expect(up.json).toEqual({
      hash: sha256(bytes),
      name: 'data.bin',
      mimeType: 'application/x-thing',
      size: bytes.length,
      url: `/api/v1/media/${sha256(bytes)}`,
    });
    // Files only: no text.
    const sent = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { attachments: [{ hash: up.json.hash }], mentions: [bobId] },
    });
    expect(sent.status).toBe(201);
    expect(sent.json.text).toBe('');
    expect(sent.json.mentions).toEqual([bobId]);
    expect(sent.json.attachments).toEqual([
      {
        hash: up.json.hash,
        name: 'data.bin',
        mimeType: 'application/x-thing',
        size: bytes.length,
        url: up.json.url,
      },
    ]);
    const listed = await api.call('GET', '/api/v1/channels/team/messages', { token: bob });
    expect(listed.json.messages.at(-1).attachments[0].hash).toBe(up.json.hash);

    const got = await raw('GET', up.json.url, { token: bob });
    expect(got.status).toBe(200);
    const body = new Uint8Array(await got.arrayBuffer());
    expect(sha256(body)).toBe(up.json.hash);
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    expect(got.headers.get('content-type')).toBe('application/x-thing');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('fills width and height of an image, and answers attachments and mentions on every message', async () => {
    const png = Buffer.alloc(64);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    png.writeUInt32BE(13, 8);
    png.write('IHDR', 12, 'latin1');
    png.writeUInt32BE(320, 16);
    png.writeUInt32BE(200, 20);
    const up = await upload(alice, png, 'pic.png', 'application/octet-stream');
    expect(up.json).toMatchObject({ mimeType: 'image/png', width: 320, height: 200 });
    const sent = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { text: 'look', attachments: [{ hash: up.json.hash, name: 'renamed.png' }] },
    });
    expect(sent.json.attachments[0]).toMatchObject({
      name: 'renamed.png',
      mimeType: 'image/png',
      width: 320,
      height: 200,
    });
    const plain = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { text: 'no files' },
    });
    expect(plain.json).toMatchObject({ attachments: [], mentions: [] });
  });

  it('refuses an unknown hash, an unknown user and empty text without files, naming them', async () => {
    const unknown = 'ab'.repeat(32);
    const res = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { attachments: [{ hash: unknown }] },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(unknown);
    const who = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { text: 'hi', mentions: ['nobody'] },
    });
    expect(who.status).toBe(400);
    expect(who.json.error.message).toContain('nobody');
    const empty = await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { text: '' },
    });
    expect(empty.status).toBe(400);
  });
});

describe('files this node lacks', () => {
  it('fetches them from peers for a member, and answers 404 when no peer has them', async () => {
    const bytes = Buffer.from('only a peer holds this');
    const hash = sha256(bytes);
    const missing = sha256(Buffer.from('nobody holds this'));
    const team = (await api.call('GET', '/api/v1/channels/team', { token: alice })).json.id;
    // As a message from a peer would: it names blobs whose bytes are elsewhere.
    await api.node.submit(aliceId as never, {
      kind: 'sendMessage',
      channel: team,
      text: 'from afar',
      attachments: [
        { hash: hash as never, name: 'far.txt', mimeType: 'text/plain' },
        { hash: missing as never, name: 'gone.txt' },
      ],
    });
    const asked: string[] = [];
    api.node.blobs.setRemoteSource(async (h) => {
      asked.push(h);
      if (h !== hash) return undefined;
      return (async function* () {
        yield bytes;
      })();
    });
    try {
      const got = await raw('GET', `/api/v1/media/${hash}`, { token: bob });
      expect(got.status).toBe(200);
      expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(hash);
      // Type and name as the message gave them (the peer sends bytes only).
      expect(got.headers.get('content-type')).toBe('text/plain');
      expect(got.headers.get('content-disposition')).toContain('far.txt');
      expect(api.node.blobs.has(hash as never)).toBe(true);
      expect((await raw('GET', `/api/v1/media/${missing}`, { token: bob })).status).toBe(404);
      // A stranger's request never reaches the peers.
      expect((await raw('GET', `/api/v1/media/${missing}`, { token: eve })).status).toBe(403);
      expect(asked).toEqual([hash, missing]);
    } finally {
      api.node.blobs.setRemoteSource(undefined);
    }
  });
});

describe('limits and access', () => {
  it('413 for an upload over media.maxBytes, with or without a Content-Length', async () => {
    const big = Buffer.alloc(MAX + 1, 1);
    const res = await upload(alice, big, 'big.bin', 'application/octet-stream');
    expect(res.status).toBe(413);
    expect(res.json.error.message).toMatch(/media\.maxBytes/);
    // Streamed without a length: stopped at the limit all the same.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(MAX / 2));
        controller.close();
      },
    });
    const chunked = await api.gateway.app.request('/api/v1/media?name=s.bin', {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await raw('GET', `/api/v1/media/${sha256(big)}`, { token: alice })).status).toBe(404);
  });

  it('403 for a user outside the channel, 200 for the uploader before any message, 404 unknown', async () => {
    const bytes = Buffer.from('team secret');
    const up = await upload(alice, bytes, 'secret.txt', 'text/plain');
    // Before any message: the uploader only.
    expect((await raw('GET', up.json.url, { token: alice })).status).toBe(200);
    expect((await raw('GET', up.json.url, { token: bob })).status).toBe(403);
    await api.call('POST', '/api/v1/channels/team/messages', {
      token: alice,
      body: { attachments: [{ hash: up.json.hash }] },
    });
    expect((await raw('GET', up.json.url, { token: bob })).status).toBe(200);
    const stranger = await raw('GET', up.json.url, { token: eve });
    expect(stranger.status).toBe(403);
    expect(((await stranger.json()) as Json).error.message).toMatch(/members/);
    expect((await raw('GET', up.json.url, { token: ADMIN })).status).toBe(200);
    expect((await raw('GET', up.json.url)).status).toBe(401);
    expect((await raw('GET', `/api/v1/media/${'0'.repeat(64)}`, { token: eve })).status).toBe(404);
    expect((await raw('GET', '/api/v1/media/not-a-hash', { token: eve })).status).toBe(400);
    // Eve cannot re-share what she cannot read.
    await api.call('POST', '/api/v1/channels', { token: eve, body: { name: 'eves' } });
    const reshare = await api.call('POST', '/api/v1/channels/eves/messages', {
      token: eve,
      body: { attachments: [{ hash: up.json.hash }] },
    });
    expect(reshare.status).toBe(400);
  });

  it('a signed link serves the bytes without a token until it expires', async () => {
    const bytes = Buffer.from('for the IRC people');
    const up = await upload(alice, bytes, 'note.txt', 'text/plain');
    const url = links.urlFor(up.json.hash, 'note.txt', 60);
    const ok = await raw('GET', url);
    expect(ok.status).toBe(200);
    expect(sha256(new Uint8Array(await ok.arrayBuffer()))).toBe(up.json.hash);
    expect(ok.headers.get('content-disposition')).toContain('note.txt');
    // Tampered: another name, or another signature.
    expect((await raw('GET', url.replace('note.txt', 'evil.html'))).status).toBe(403);
    expect((await raw('GET', url.replace(/sig=[^&]+/, 'sig=AAAA'))).status).toBe(403);
    clock += 61_000;
    const expired = await raw('GET', url);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as Json).error.message).toMatch(/expired/);
  });

  it('serves uploaded HTML as a download under a CSP, never as a page; images inline', async () => {
    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const up = await upload(alice, html, 'page.html', 'text/html');
    const res = await raw('GET', up.json.url, { token: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await upload(alice, Buffer.from('<svg onload="x()"/>'), 'a.svg', 'image/svg+xml');
    const svgRes = await raw('GET', svg.json.url, { token: alice });
    expect(svgRes.headers.get('content-disposition')).toMatch(/^attachment;/);
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0]), Buffer.alloc(20)]);
    const img = await upload(alice, gif, 'dot.gif', 'image/gif');
    const imgRes = await raw('GET', img.json.url, { token: alice });
    expect(imgRes.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(imgRes.headers.get('content-security-policy')).toBeNull();
  });
});
