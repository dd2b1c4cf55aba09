/**
 * The appservice listener (the endpoint the homeserver pushes transactions to) over real HTTP on
 * loopback: bad bodies get Matrix errors (400 M_NOT_JSON, 413 M_TOO_LARGE) instead of a 500 with
 * the parser's message or a connection reset, and only the right hs_token is let in.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppserviceHost, type RawEvent } from '../../../src/bridges/matrix/host.js';

const TOKEN = 'hs-token-for-the-listener-test-0123456789';
let host: AppserviceHost;
let base: string;
const events: RawEvent[] = [];
let txn = 0;

beforeAll(async () => {
  host = new AppserviceHost(TOKEN);
  host.on('event', (e: RawEvent) => events.push(e));
  await host.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${host.port()}`;
});
afterAll(async () => {
  await host?.close();
});

const put = (body: string | Uint8Array, token = TOKEN) =>
  fetch(`${base}/_matrix/app/v1/transactions/t${++txn}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });

const event = (body: string): string =>
  JSON.stringify({ events: [{ type: 'm.room.message', room_id: '!r:x', content: { body } }] });

/** Sends `total` bytes in chunks without a Content-Length (chunked), as a streaming client would. */
function putChunked(total: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/_matrix/app/v1/transactions/t${++txn}`,
      { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('appservice listener', () => {
  it('answers malformed JSON with 400 M_NOT_JSON and no parser details, then keeps working', async () => {
    for (const body of ['{"events": [', 'not json at all', '[1,2]', '"text"']) {
      const res = await put(body);
      expect(res.status, body).toBe(400);
      const answer = (await res.json()) as { errcode: string; error: string };
      expect(answer.errcode).toBe('M_NOT_JSON');
      expect(answer.error).not.toMatch(/position|Unexpected|token/i);
    }
    expect(events).toHaveLength(0);
    const ok = await put(event('after the bad ones'));
    expect(ok.status).toBe(200);
    await expect
      .poll(() => events.map((e) => (e['content'] as { body: string }).body))
      .toEqual(['after the bad ones']);
  });

  it('answers a body over 5 MB with 413 M_TOO_LARGE, with or without Content-Length', async () => {
    const seen = events.length;
    const big = new TextEncoder().encode(event('x'.repeat(6 * 1024 * 1024)));
    const res = await put(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_TOO_LARGE');
    const chunked = await putChunked(6 * 1024 * 1024);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ errcode: 'M_TOO_LARGE' });
    // Just under the limit still goes through.
    const fits = await put(event('y'.repeat(4 * 1024 * 1024)));
    expect(fits.status).toBe(200);
    await expect.poll(() => events.length).toBe(seen + 1);
  });

  it('lets in only the exact hs_token, in the header or the query', async () => {
    const before = host.refused;
    for (const wrong of ['', 'x', TOKEN.slice(0, -1), `${TOKEN}0`, TOKEN.toUpperCase()]) {
      const res = await put(event('intruder'), wrong);
      expect(res.status, wrong).toBe(403);
      expect(((await res.json()) as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    }
    expect(host.refused).toBe(before + 5);
    const query = await fetch(
      `${base}/_matrix/app/v1/transactions/q${++txn}?access_token=${encodeURIComponent(TOKEN)}`,
      { method: 'PUT', body: event('by query') },
    );
    expect(query.status).toBe(200);
    await expect.poll(() => events.some((e) => JSON.stringify(e).includes('by query'))).toBe(true);
    expect(events.some((e) => JSON.stringify(e).includes('intruder'))).toBe(false);
  });
});
