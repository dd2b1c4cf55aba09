/**
 * Links to this gateway's media endpoint (`/api/v1/media/:hash`). A signed link carries its
 * expiry and an HMAC-SHA256 over the hash, the expiry and the file name, so it works without a
 * token (IRC users, clients that show images by URL) for the time given and no longer. The key
 * lives in `<dataDir>/media-link-key` (mode 0600, created on first start, never overwritten);
 * changing it invalidates every link handed out.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The key file in the data dir. */
export const MEDIA_LINK_KEY_FILE = 'media-link-key';

/** A signed link's lifetime when the caller gives none: a week. */
export const DEFAULT_LINK_TTL_SECONDS = 7 * 24 * 3600;

export type LinkCheck = 'valid' | 'expired' | 'bad-signature';

export class MediaLinks {
  private base: string;

  /** `base`: the public URL of the HTTP API without a trailing slash ('' gives paths). */
  constructor(
    private readonly key: Uint8Array,
    base = '',
    private readonly now: () => number = Date.now,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  /** Loads the key from the data dir, or creates it (32 random bytes, 0600). */
  static async open(dataDir: string, base = '', now?: () => number): Promise<MediaLinks> {
    const path = join(dataDir, MEDIA_LINK_KEY_FILE);
    let hex: string | undefined;
    try {
      hex = (await readFile(path, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) {
      hex = randomBytes(32).toString('hex');
      try {
        await writeFile(path, `${hex}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        // Created meanwhile by another start: use that one.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        hex = (await readFile(path, 'utf8')).trim();
      }
    }
    return new MediaLinks(Buffer.from(hex, 'hex'), base, now);
  }

  /** A link signed with a throw-away key (tests, or an app built without a data dir). */
  static ephemeral(base = ''): MediaLinks {
    return new MediaLinks(randomBytes(32), base);
  }

  /** Sets the public base once it is known (the HTTP listen URL when no media.publicUrl). */
  setBase(base: string): void {
    this.base = base.replace(/\/+$/, '');
  }

  /** The endpoint of a blob for callers with a token: `<base>/api/v1/media/<hash>`. */
  pathFor(hash: string): string {
    return `${this.base}/api/v1/media/${hash}`;
  }

  /** A link that serves the blob to anyone until `ttlSeconds` from now. */
  urlFor(hash: string, name: string, ttlSeconds = DEFAULT_LINK_TTL_SECONDS): string {
    const expires = Math.floor(this.now() / 1000) + Math.max(1, Math.floor(ttlSeconds));
    const query = new URLSearchParams({
      name,
      expires: String(expires),
      sig: this.sign(hash, expires, name),
    });
    return `${this.pathFor(hash)}?${query.toString()}`;
  }

  /** Checks a link's expiry (unix seconds) and signature. */
  check(hash: string, expires: string, sig: string, name = ''): LinkCheck {
    if (!/^\d{1,12}$/.test(expires)) return 'bad-signature';
    const wanted = Buffer.from(this.sign(hash, Number(expires), name));
    const given = Buffer.from(sig);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'bad-signature';
    return Number(expires) * 1000 < this.now() ? 'expired' : 'valid';
  }

  private sign(hash: string, expires: number, name: string): string {
    return createHmac('sha256', this.key)
      .update(`multichat-media\n${hash}\n${expires}\n${name}`)
      .digest('base64url');
  }
}
