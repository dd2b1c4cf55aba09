/**
 * Moving files between Multichat URLs and the Matrix media repository: outbound attachments and
 * ghost avatars are downloaded through the shared URL fetcher (`../net`: no internal addresses,
 * bounded in size and time) and uploaded as the ghost; a URL already uploaded is not uploaded
 * again. The homeserver's own `mxc://` URLs are never fetched.
 */
import { UrlFetchError, type UrlFetcher } from '../net/index.js';
import type { MatrixApi } from './api.js';
import { MediaFetchError } from './errors.js';

export interface Downloaded {
  readonly data: Uint8Array;
  readonly contentType: string;
}

/** Fetches `url` through `fetcher`. @throws MediaFetchError (why in `fetchError`). */
export async function download(fetcher: UrlFetcher, url: string): Promise<Downloaded> {
  try {
    const file = await fetcher.fetch(url);
    return { data: file.data, contentType: file.contentType };
  } catch (error) {
    if (error instanceof UrlFetchError) throw new MediaFetchError(error);
    throw error;
  }
}

/** Uploads what a URL points to, once per URL (an `mxc://` URL is used as it is). */
export class MediaUploader {
  private readonly done = new Map<string, { uri: string; size: number; contentType: string }>();

  constructor(
    private readonly api: MatrixApi,
    private readonly fetcher: UrlFetcher,
  ) {}

  /** @throws MediaFetchError when the URL cannot be fetched; the homeserver's errors as they are. */
  async upload(
    url: string,
    name: string,
    asUser: string,
    mimeType?: string,
  ): Promise<{ uri: string; size: number; contentType: string }> {
    if (url.startsWith('mxc://'))
      return { uri: url, size: 0, contentType: mimeType ?? 'application/octet-stream' };
    const known = this.done.get(url);
    if (known) return known;
    const file = await download(this.fetcher, url);
    const contentType = mimeType ?? file.contentType;
    const uri = await this.api.upload(file.data, contentType, name, asUser);
    const entry = { uri, size: file.data.byteLength, contentType };
    this.done.set(url, entry);
    if (this.done.size > 1_000) this.done.delete(this.done.keys().next().value as string);
    return entry;
  }
}
