/**
 * One HTTP GET on a socket pinned to addresses that were already checked, and its body as a
 * bounded stream: the size limit is enforced chunk by chunk (a missing or false Content-Length
 * changes nothing) and the socket is destroyed as soon as the body is refused, fails, or the
 * reader stops early.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { FetchNetworkError, FetchTimeoutError, TooLargeError, UrlFetchError } from './errors.js';
import type { CheckedUrl } from './resolve.js';

/** The deadline of one fetch: `signal` aborts the socket; `timeoutMs` names it in the error. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** Sends a GET to `target`; the socket may only go to `target.addresses` (no second DNS answer). */
export function send(
  target: CheckedUrl,
  headers: OutgoingHttpHeaders,
  signal: AbortSignal,
): Promise<IncomingMessage> {
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
        // Aborting destroys the socket, so the deadline also ends a body still streaming.
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/** The announced length, when it is a sane number. */
export function announcedSize(res: IncomingMessage): number | undefined {
  const text = res.headers['content-length'];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The body of `res`, at most `maxBytes`. Throws TooLargeError before yielding the chunk that
 * crosses the limit; maps a broken socket to FetchTimeoutError (deadline) or FetchNetworkError.
 */
export async function* limitedBody(
  url: string,
  res: IncomingMessage,
  maxBytes: number,
  deadline: Deadline,
): AsyncGenerator<Uint8Array, void, undefined> {
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new TooLargeError(url, maxBytes);
      yield chunk;
    }
  } catch (error) {
    throw asFetchError(url, error, deadline);
  } finally {
    // Runs on a refused body, an error, or a reader that stopped early: free the socket now.
    res.destroy();
  }
}

/** Any failure of a fetch as the module's own error. */
export function asFetchError(url: string, error: unknown, deadline: Deadline): UrlFetchError {
  if (error instanceof UrlFetchError) return error;
  if (deadline.signal.aborted) return new FetchTimeoutError(url, deadline.timeoutMs);
  return new FetchNetworkError(url, error);
}
