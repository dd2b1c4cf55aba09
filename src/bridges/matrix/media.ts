/**
 * Moving files between Multichat URLs and the Matrix media repository: outbound attachments and
 * ghost avatars are downloaded (bounded in size and time) and uploaded as the ghost; a URL
 * already uploaded is not uploaded again.
 */
import { DeliveryError } from '../errors.js';
import type { MatrixApi } from './api.js';

const MAX_BYTES = 50 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export interface Downloaded {
  readonly data: Uint8Array;
  readonly contentType: string;
}

/** Fetches `url`. @throws DeliveryError (permanent for 4xx and oversized files). */
export async function download(url: string): Promise<Downloaded> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new DeliveryError(`cannot download ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!res.ok)
    throw new DeliveryError(`cannot download ${url}: HTTP ${res.status}`, {
      permanent: res.status >= 400 && res.status < 500,
    });
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES)
    throw new DeliveryError(`${url} is larger than ${MAX_BYTES} bytes`, { permanent: true });
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.byteLength > MAX_BYTES)
    throw new DeliveryError(`${url} is larger than ${MAX_BYTES} bytes`, { permanent: true });
  return { data, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}

/** Uploads what a URL points to, once per URL (an `mxc://` URL is used as it is). */
export class MediaUploader {
  private readonly done = new Map<string, { uri: string; size: number; contentType: string }>();

  constructor(private readonly api: MatrixApi) {}

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
    const file = await download(url);
    const contentType = mimeType ?? file.contentType;
    const uri = await this.api.upload(file.data, contentType, name, asUser);
    const entry = { uri, size: file.data.byteLength, contentType };
    this.done.set(url, entry);
    if (this.done.size > 1_000) this.done.delete(this.done.keys().next().value as string);
    return entry;
  }
}
