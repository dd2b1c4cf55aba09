/**
 * The one way a bridge fetches a URL someone else wrote (an avatar, an attachment, an import):
 * every hop is checked by `checkUrl` and the socket is pinned to the checked addresses through a
 * custom `lookup`, redirects are followed by hand (each target checked again), credentials are
 * dropped when a redirect leaves the first origin, and size and time are bounded while the body
 * streams — a missing or false Content-Length changes nothing.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  FetchNetworkError,
  FetchTimeoutError,
  HttpStatusError,
  RedirectError,
  TooLargeError,
  UrlFetchError,
} from './errors.js';
import { AddressPolicy, type FetchPolicy, type FetchPolicyOptions } from './policy.js';
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
}

export interface FetchedFile {
  /** The URL the body came from (after redirects). */
  readonly url: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

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
   * GETs `url`, following redirects. Blocks until the whole body is read or a limit is hit.
   * @throws UrlFetchError: BadUrlError, BlockedAddressError, ResolveError, RedirectError,
   * HttpStatusError, TooLargeError, FetchTimeoutError, FetchNetworkError.
   */
  async fetch(url: string, options: FetchOptions = {}): Promise<FetchedFile> {
    const { timeoutMs, maxRedirects } = this.policy;
    const maxBytes = Math.min(options.maxBytes ?? Infinity, this.policy.maxBytes);
    const deadline = AbortSignal.timeout(timeoutMs);
    const first = parseHttpUrl(url);
    let headers: Record<string, string> = { ...lower(options.headers) };
    let current = first;
    try {
      for (let hop = 0; ; hop++) {
        if (current.origin !== first.origin) headers = withoutCredentials(headers);
        // A resolver that hangs must not outlast the deadline either.
        const target = await untilAborted(
          checkUrl(current, this.addresses, this.resolve),
          deadline,
        );
        const res = await send(target, headers, deadline);
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode ?? 0)) {
          res.destroy();
          if (hop >= maxRedirects) throw new RedirectError(url, `more than ${maxRedirects}`);
          if (!location) throw new RedirectError(url, `HTTP ${res.statusCode} without Location`);
          current = nextUrl(url, location, current);
          continue;
        }
        return { url: current.href, ...(await readBody(current.href, res, maxBytes)) };
      }
    } catch (error) {
      if (error instanceof UrlFetchError) throw error;
      if (deadline.aborted) throw new FetchTimeoutError(url, timeoutMs);
      throw new FetchNetworkError(url, error);
    }
  }
}

function send(target: CheckedUrl, headers: OutgoingHttpHeaders, signal: AbortSignal) {
  // The socket may only go to the addresses `checkUrl` passed (no second DNS answer).
  const pinned: LookupFunction = (_host, opts, callback) => {
    const [one] = target.addresses;
    if (opts.all) callback(null, [...target.addresses]);
    else callback(null, one?.address ?? '', one?.family ?? 4);
  };
  const { url } = target;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      {
        protocol: url.protocol,
        hostname: target.host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': 'multichat-gateway', 'accept-encoding': 'identity', ...headers },
        lookup: pinned,
        agent: false,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function readBody(url: string, res: IncomingMessage, maxBytes: number) {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.destroy();
    throw new HttpStatusError(url, status);
  }
  const announced = Number(res.headers['content-length'] ?? 0);
  if (announced > maxBytes) {
    res.destroy();
    throw new TooLargeError(url, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      res.destroy();
      throw new TooLargeError(url, maxBytes);
    }
    chunks.push(chunk);
  }
  const contentType = res.headers['content-type'] ?? 'application/octet-stream';
  return { contentType, data: new Uint8Array(Buffer.concat(chunks)) };
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
