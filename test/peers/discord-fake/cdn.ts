/**
 * The fake's CDN, after Discord's: uploaded attachments are served at
 * `/attachments/:channel/:attachment/:filename` only with a valid signature (`ex` expiry and `is`
 * issue time in hex seconds, `hm` an HMAC of both and the path); an expired or wrong link answers
 * 404 like Discord. Stickers are served unsigned at `/stickers/:id.(png|gif|json)`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from './state.js';

export interface StoredFile {
  readonly data: Buffer;
  readonly contentType: string;
}

export interface NewFile {
  readonly filename: string;
  readonly data: Uint8Array;
  readonly contentType?: string;
}

/** Discord's sticker formats. */
export const STICKER_FORMAT = { png: 1, apng: 2, lottie: 3, gif: 4 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export class FakeCdn {
  /** Path (`/attachments/…`, `/stickers/…`) → bytes. */
  readonly files = new Map<string, StoredFile>();
  /** Every refused CDN request (expired or badly signed), for tests. */
  readonly refused: string[] = [];
  private readonly secret = randomBytes(32);

  constructor(
    private readonly base: () => string,
    private readonly nextId: () => string,
    /** How long a signed link works after it is issued. */
    readonly linkTtlMs = DAY_MS,
  ) {}

  /** Stores `file` and returns Discord's attachment object for it, with a freshly signed URL. */
  attachment(channelId: string, file: NewFile): Json {
    const id = this.nextId();
    const data = Buffer.from(file.data);
    const contentType = file.contentType ?? 'application/octet-stream';
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    this.files.set(path, { data, contentType });
    const url = this.signed(path, Date.now() + this.linkTtlMs);
    const size = imageSize(data);
    return {
      id,
      filename: file.filename,
      size: data.byteLength,
      url,
      proxy_url: url.replace(this.base(), `${this.base()}/proxy`),
      content_type: contentType,
      ...(size && { width: size.width, height: size.height }),
    };
  }

  /** Stores a sticker's image (or Lottie JSON) and returns its sticker item. */
  sticker(name: string, format: number, data: Uint8Array): Json {
    const id = this.nextId();
    const ext =
      format === STICKER_FORMAT.gif ? 'gif' : format === STICKER_FORMAT.lottie ? 'json' : 'png';
    const contentType = ext === 'json' ? 'application/json' : `image/${ext}`;
    this.files.set(`/stickers/${id}.${ext}`, { data: Buffer.from(data), contentType });
    return { id, name, format_type: format };
  }

  /** `path` on this CDN signed to expire at `expiresAtMs` (in the past for an expired link). */
  signed(path: string, expiresAtMs: number): string {
    const ex = Math.floor(expiresAtMs / 1000).toString(16);
    const is = Math.floor(Date.now() / 1000).toString(16);
    return `${this.base()}${path}?ex=${ex}&is=${is}&hm=${this.mac(path, ex, is)}&`;
  }

  /** The stored bytes behind an attachment URL (signature not checked), for assertions. */
  bytesOf(url: string): StoredFile | undefined {
    return this.files.get(new URL(url).pathname.replace(/^\/proxy/, ''));
  }

  /** Answers a CDN request; false when `req` is not for the CDN. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/proxy/, '');
    const attachment = path.startsWith('/attachments/');
    if (!attachment && !path.startsWith('/stickers/')) return false;
    const file = this.files.get(path);
    if (!file || (attachment && !this.valid(path, url.searchParams)) || req.method !== 'GET') {
      this.refused.push(url.pathname + url.search);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('This content is no longer available.');
      return true;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.data.byteLength,
    });
    res.end(file.data);
    return true;
  }

  private valid(path: string, query: URLSearchParams): boolean {
    const ex = query.get('ex') ?? '';
    const is = query.get('is') ?? '';
    const hm = Buffer.from(query.get('hm') ?? '', 'hex');
    const expected = Buffer.from(this.mac(path, ex, is), 'hex');
    if (hm.byteLength !== expected.byteLength || !timingSafeEqual(hm, expected)) return false;
    return parseInt(ex, 16) * 1000 > Date.now();
  }

  private mac(path: string, ex: string, is: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${ex}\n${is}`).digest('hex');
  }
}

/** Width and height of a PNG or GIF (Discord reports them for images), else undefined. */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.byteLength >= 24 && data.subarray(0, 8).equals(PNG_SIGNATURE))
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data.byteLength >= 10 && data.subarray(0, 3).toString('latin1') === 'GIF')
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
