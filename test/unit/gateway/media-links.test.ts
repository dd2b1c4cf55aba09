/**
 * Signed media links: the key is created once in the data dir (0600) and kept across starts, a
 * link is valid until its expiry, and any change to hash, name, expiry or signature breaks it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEDIA_LINK_KEY_FILE, MediaLinks } from '../../../src/gateway/media-links.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hash = 'ab'.repeat(32);

function parts(url: string) {
  const u = new URL(url, 'http://x');
  return {
    path: u.pathname,
    name: u.searchParams.get('name') ?? '',
    expires: u.searchParams.get('expires') ?? '',
    sig: u.searchParams.get('sig') ?? '',
  };
}

describe('media links', () => {
  it('keeps its key in the data dir, 0600, across starts', async () => {
    let now = 1_700_000_000_000;
    const first = await MediaLinks.open(dir, 'https://chat.example.test/', () => now);
    const key = join(dir, MEDIA_LINK_KEY_FILE);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const stored = readFileSync(key, 'utf8');
    const url = first.urlFor(hash, 'cat photo.png', 60);
    expect(url.startsWith(`https://chat.example.test/api/v1/media/${hash}?`)).toBe(true);
    const again = await MediaLinks.open(dir, '', () => now);
    expect(readFileSync(key, 'utf8')).toBe(stored);
    const p = parts(url);
    expect(p.path).toBe(`/api/v1/media/${hash}`);
    expect(again.check(hash, p.expires, p.sig, p.name)).toBe('valid');
    now += 61_000;
    expect(again.check(hash, p.expires, p.sig, p.name)).toBe('expired');
  });

  it('refuses a link whose hash, name, expiry or signature was changed', () => {
    const links = new MediaLinks(Buffer.alloc(32, 1), '', () => 0);
    const p = parts(links.urlFor(hash, 'a.txt', 3600));
    expect(links.check(hash, p.expires, p.sig, p.name)).toBe('valid');
    expect(links.check('cd'.repeat(32), p.expires, p.sig, p.name)).toBe('bad-signature');
    expect(links.check(hash, p.expires, p.sig, 'b.txt')).toBe('bad-signature');
    expect(links.check(hash, String(Number(p.expires) + 1), p.sig, p.name)).toBe('bad-signature');
    const flipped = `${p.sig.slice(0, -1)}${p.sig.endsWith('A') ? 'B' : 'A'}`;
    expect(links.check(hash, p.expires, flipped, p.name)).toBe('bad-signature');
    expect(links.check(hash, 'soon', p.sig, p.name)).toBe('bad-signature');
    // Another key: not valid.
    expect(new MediaLinks(Buffer.alloc(32, 2)).check(hash, p.expires, p.sig, p.name)).toBe(
      'bad-signature',
    );
  });
});
