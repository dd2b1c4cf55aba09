/**
 * Reading Matrix media for inbound attachments: authenticated media (Matrix 1.11,
 * `GET /_matrix/client/v1/media/download/{serverName}/{mediaId}`, on by default in Synapse since
 * `enable_authenticated_media`) with the appservice token, always on the configured homeserver.
 * The homeserver is the operator's own, so it may sit on loopback or a private address; nothing
 * else is ever requested here (the mxc URI only names the media, never where to fetch it), and a
 * redirect away from the homeserver is refused rather than followed with the token.
 * The body streams: size and time are bounded while it is read, never buffered whole.
 */
import {
  FetchNetworkError,
  FetchTimeoutError,
  HttpStatusError,
  RedirectError,
  TooLargeError,
} from '../net/index.js';
import type { MediaStream } from '../types.js';
import { BadMxcUriError } from './errors.js';

export interface MxcUri {
  readonly serverName: string;
  readonly mediaId: string;
}

/** `mxc://server/id` → its parts. @throws BadMxcUriError for anything else. */
export function parseMxc(uri: string): MxcUri {
  // Server names: host[:port] (brackets for IPv6); media ids: [A-Za-z0-9_-] per the spec.
  const match = /^mxc:\/\/([A-Za-z0-9.\-[\]:]+)\/([A-Za-z0-9_-]+)$/.exec(uri);
  if (!match) throw new BadMxcUriError(uri);
  return { serverName: match[1] as string, mediaId: match[2] as string };
}

export interface DownloadLimits {
  /** Largest body accepted (the runtime's `media.maxBytes`). */
  readonly maxBytes: number;
  /** Longest wait for the answer, and longest silence while the body streams. */
  readonly timeoutMs: number;
}

export class HomeserverMedia {
  constructor(
    private readonly homeserverUrl: string,
    private readonly asToken: string,
    private readonly limits: DownloadLimits,
  ) {}

  /** The authenticated download URL of an mxc URI on our homeserver. @throws BadMxcUriError */
  downloadUrl(uri: string): string {
    const { serverName, mediaId } = parseMxc(uri);
    return `${this.homeserverUrl}/_matrix/client/v1/media/download/${encodeURIComponent(serverName)}/${encodeURIComponent(mediaId)}`;
  }

  /**
   * Opens the media's bytes. Resolves once the homeserver answered 200.
   * @throws BadMxcUriError, HttpStatusError, RedirectError, TooLargeError (announced),
   * FetchTimeoutError, FetchNetworkError; the body throws TooLargeError / FetchTimeoutError
   * while streaming.
   */
  async open(uri: string): Promise<MediaStream> {
    const url = this.downloadUrl(uri);
    const { maxBytes, timeoutMs } = this.limits;
    const abort = new AbortController();
    let timer = setTimeout(() => abort.abort(), timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${this.asToken}` },
        redirect: 'manual',
        signal: abort.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      if (abort.signal.aborted) throw new FetchTimeoutError(url, timeoutMs);
      throw new FetchNetworkError(url, error);
    }
    const stop = (error: Error): Error => {
      clearTimeout(timer);
      abort.abort();
      return error;
    };
    if (res.status >= 300 && res.status < 400)
      throw stop(
        new RedirectError(url, 'the homeserver redirected media; the token stays with it'),
      );
    if (!res.ok || !res.body) throw stop(new HttpStatusError(url, res.status));
    const announced = Number(res.headers.get('content-length') ?? NaN);
    if (announced > maxBytes) throw stop(new TooLargeError(url, maxBytes));
    const body = res.body as unknown as AsyncIterable<Uint8Array>;
    async function* read(): AsyncGenerator<Uint8Array> {
      let size = 0;
      try {
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > maxBytes) throw new TooLargeError(url, maxBytes);
          // Silence, not total time, bounds a large file on a slow link.
          clearTimeout(timer);
          timer = setTimeout(() => abort.abort(), timeoutMs);
          yield chunk;
        }
      } catch (error) {
        if (error instanceof TooLargeError) throw error;
        if (abort.signal.aborted) throw new FetchTimeoutError(url, timeoutMs);
        throw new FetchNetworkError(url, error);
      } finally {
        clearTimeout(timer);
        abort.abort(); // releases the connection when the reader stops early
      }
    }
    const contentType = res.headers.get('content-type') ?? undefined;
    return {
      ...(contentType && { contentType }),
      ...(Number.isFinite(announced) && { size: announced }),
      body: read(),
    };
  }
}
