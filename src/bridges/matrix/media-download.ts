/**
 * Reading Matrix media for inbound attachments: authenticated media (Matrix 1.11,
 * `GET /_matrix/client/v1/media/download/{serverName}/{mediaId}`, on by default in Synapse since
 * `enable_authenticated_media`) with the appservice token, always on the configured homeserver:
 * the mxc URI only names the media, never where to fetch it. The read goes through the shared
 * URL fetcher (`../net`) with the homeserver as its trusted origin, so the operator's homeserver
 * may sit on loopback or a private address while a redirect off it is checked like any URL and
 * never carries the token; size and time are bounded while the body streams.
 */
import type { UrlFetcher } from '../net/index.js';
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

export class HomeserverMedia {
  constructor(
    private readonly homeserverUrl: string,
    private readonly asToken: string,
    private readonly fetcher: UrlFetcher,
  ) {}

  /** The authenticated download URL of an mxc URI on our homeserver. @throws BadMxcUriError */
  downloadUrl(uri: string): string {
    const { serverName, mediaId } = parseMxc(uri);
    return `${this.homeserverUrl}/_matrix/client/v1/media/download/${encodeURIComponent(serverName)}/${encodeURIComponent(mediaId)}`;
  }

  /**
   * Opens the media's bytes; resolves once the homeserver answered 2xx.
   * @throws BadMxcUriError, or the fetcher's UrlFetchError (HttpStatusError, TooLargeError,
   * BlockedAddressError for a redirect inward, FetchTimeoutError…); the body throws
   * TooLargeError / FetchTimeoutError while streaming.
   */
  async open(uri: string): Promise<MediaStream> {
    const file = await this.fetcher.open(this.downloadUrl(uri), {
      headers: { authorization: `Bearer ${this.asToken}` },
      trustedOrigin: this.homeserverUrl,
    });
    return {
      contentType: file.contentType,
      ...(file.size !== undefined && { size: file.size }),
      body: file.body,
    };
  }
}
