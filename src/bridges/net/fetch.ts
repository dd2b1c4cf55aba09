/**
 * The one way a bridge fetches a URL someone else wrote (an avatar, an attachment, an import):
 * every hop is checked by `checkUrl` and the socket is pinned to the checked addresses through a
 * custom `lookup`, redirects are followed by hand (each target checked again), credentials are
 * dropped when a redirect leaves the first origin, and size and time are bounded while the body
 * streams — a missing or false Content-Length changes nothing. `open` hands out the body as a
 * stream under those limits; `fetch` is `open` read to the end.
 */
import { HttpStatusError, RedirectError, TooLargeError } from './errors.js';
import { AddressPolicy, type FetchPolicy, type FetchPolicyOptions } from './policy.js';
import { announcedSize, asFetchError, limitedBody, send, type Deadline } from './request.js';
import {
  checkUrl,
  parseHttpUrl,
  systemResolver,
  type CheckedUrl,
  type Resolver,
} from './resolve.js';

export interface FetchOptions {
  /** Sent with the request; `authorization` and `cookie` only while on the first URL's origin. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A smaller size limit for this fetch than the policy's. */
  readonly maxBytes?: number;
  /**
   * An origin the operator configured (the Matrix homeserver, an API base in tests): hops on it
   * may go to private or loopback addresses. Any other origin, including a redirect target
   * off this one, is checked as usual. Never pass an origin taken from a message.
   */
  readonly trustedOrigin?: string;
}

export interface FetchedFile {
  /** The URL the body came from (after redirects). */
  readonly url: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

export interface OpenedFile {
  /** The URL the body comes from (after redirects). */
  readonly url: string;
  readonly contentType: string;
  /** The announced Content-Length, when there was one (the limit holds regardless). */
  readonly size?: number;
  /**
   * Read it once. It throws TooLargeError past the limit and FetchTimeoutError past the
   * deadline (which covers the body); stopping early closes the socket. A body never read is
   * closed by the deadline.
   */
  readonly body: AsyncIterable<Uint8Array>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];
/** Used only for hops on an operator-configured origin. */
const TRUSTED = new AddressPolicy({ allowPrivateAddresses: true });

export class UrlFetcher {
  private readonly addresses: AddressPolicy;

  /** @throws FetchPolicyError for a bad allow-list entry. */
  constructor(
    options: FetchPolicyOptions = {},
    private readonly resolve: Resolver = systemResolver,
  ) {
    this.addresses = new AddressPolicy(options);
  }

  get policy(): FetchPolicy {
    return this.addresses.policy;
  }

  /** Checks `url` without fetching it. @throws UrlFetchError (BadUrlError, BlockedAddressError…) */
  async check(url: string): Promise<CheckedUrl> {
    return checkUrl(parseHttpUrl(url), this.addresses, this.resolve);
  }

  /**
   * GETs `url`, following redirects, and resolves once a 2xx answer's headers are in.
   * @throws UrlFetchError: BadUrlError, BlockedAddressError, ResolveError, RedirectError,
   * HttpStatusError, TooLargeError (announced), FetchTimeoutError, FetchNetworkError.
   */
  async open(url: string, options: FetchOptions = {}): Promise<OpenedFile> {
    const { timeoutMs, maxRedirects } = this.policy;
    const maxBytes = Math.min(options.maxBytes ?? Infinity, this.policy.maxBytes);
    const deadline: Deadline = { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
    const first = parseHttpUrl(url);
    const trusted =
      options.trustedOrigin === undefined ? undefined : parseHttpUrl(options.trustedOrigin).origin;
    let headers: Record<string, string> = { ...lower(options.headers) };
    let current = first;
    try {
      for (let hop = 0; ; hop++) {
        if (current.origin !== first.origin) headers = withoutCredentials(headers);
        const policy = current.origin === trusted ? TRUSTED : this.addresses;
        // A resolver that hangs must not outlast the deadline either.
        const target = await untilAborted(checkUrl(current, policy, this.resolve), deadline.signal);
        const res = await send(target, headers, deadline.signal);
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status)) {
          res.destroy();
          const location = res.headers.location;
          if (hop >= maxRedirects) throw new RedirectError(url, `more than ${maxRedirects}`);
          if (!location) throw new RedirectError(url, `HTTP ${status} without Location`);
          current = nextUrl(url, location, current);
          continue;
        }
        const href = current.href;
        if (status < 200 || status > 299) {
          res.destroy();
          throw new HttpStatusError(href, status);
        }
        const size = announcedSize(res);
        if (size !== undefined && size > maxBytes) {
          res.destroy();
          throw new TooLargeError(href, maxBytes);
        }
        return {
          url: href,
          contentType: res.headers['content-type'] ?? 'application/octet-stream',
          ...(size === undefined ? {} : { size }),
          body: limitedBody(href, res, maxBytes, deadline),
        };
      }
    } catch (error) {
      throw asFetchError(url, error, deadline);
    }
  }

  /**
   * GETs `url` as `open` does and reads the whole body.
   * @throws UrlFetchError, as `open` and its body do.
   */
  async fetch(url: string, options: FetchOptions = {}): Promise<FetchedFile> {
    const file = await this.open(url, options);
    const chunks: Uint8Array[] = [];
    for await (const chunk of file.body) chunks.push(chunk);
    return { url: file.url, contentType: file.contentType, data: concat(chunks) };
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  // A plain Uint8Array, not a Buffer view of a shared pool.
  return new Uint8Array(Buffer.concat(chunks));
}

function nextUrl(original: string, location: string, current: URL): URL {
  let next: string;
  try {
    next = new URL(location, current).href;
  } catch {
    throw new RedirectError(original, `bad Location ${JSON.stringify(location)}`);
  }
  return parseHttpUrl(next);
}

function lower(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIALS.includes(k)));
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
