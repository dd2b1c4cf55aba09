/**
 * Errors of the URL-fetch module, one class per condition. Each names the URL (and, where it
 * matters, the host and the address) so an operator can tell a blocked fetch from a dead link.
 * `permanent` says whether fetching the same URL again could succeed: the bridges map it onto
 * the contract's `DeliveryError`.
 */

export abstract class UrlFetchError extends Error {
  /** True when retrying the same URL cannot help. */
  abstract readonly permanent: boolean;
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Not a URL, not http(s), or carrying credentials (`user:pass@`). */
export class BadUrlError extends UrlFetchError {
  readonly permanent = true;
  constructor(url: string, reason: string) {
    super(url, `cannot fetch ${JSON.stringify(url)}: ${reason}`);
  }
}

/** The host resolves to (or is) an address the policy refuses: loopback, private, NAT64… */
export class BlockedAddressError extends UrlFetchError {
  readonly permanent = true;
  constructor(
    url: string,
    readonly host: string,
    readonly address: string,
    /** Which range refused it, e.g. "loopback" or "NAT64 form of 127.0.0.1 (loopback)". */
    readonly range: string,
  ) {
    const what = host === address ? address : `${host} resolves to ${address}, which`;
    super(url, `refused to fetch ${url}: ${what} is not public (${range})`);
  }
}

/** The host name does not resolve. Transient: DNS may answer later. */
export class ResolveError extends UrlFetchError {
  readonly permanent = false;
  constructor(
    url: string,
    readonly host: string,
    cause: unknown,
  ) {
    super(url, `cannot resolve ${host} for ${url}: ${errorText(cause)}`, { cause });
  }
}

/** The body is (or announces to be) larger than the limit; the download was stopped. */
export class TooLargeError extends UrlFetchError {
  readonly permanent = true;
  constructor(
    url: string,
    readonly maxBytes: number,
  ) {
    super(url, `${url} is larger than ${maxBytes} bytes`);
  }
}

/** The whole fetch (every redirect and the body) took longer than the limit. */
export class FetchTimeoutError extends UrlFetchError {
  readonly permanent = false;
  constructor(
    url: string,
    readonly timeoutMs: number,
  ) {
    super(url, `fetching ${url} took longer than ${timeoutMs} ms`);
  }
}

/** More redirects than the limit, or a redirect without a usable Location. */
export class RedirectError extends UrlFetchError {
  readonly permanent = true;
  constructor(url: string, reason: string) {
    super(url, `cannot follow the redirects of ${url}: ${reason}`);
  }
}

/** The server answered with a status other than 2xx (after redirects). */
export class HttpStatusError extends UrlFetchError {
  readonly permanent: boolean;
  constructor(
    url: string,
    readonly status: number,
  ) {
    super(url, `${url} answered HTTP ${status}`);
    this.permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

/** The connection failed or broke off (refused, reset, TLS). Transient. */
export class FetchNetworkError extends UrlFetchError {
  readonly permanent = false;
  constructor(url: string, cause: unknown) {
    super(url, `cannot fetch ${url}: ${errorText(cause)}`, { cause });
  }
}

/** A policy setting of the wrong type, or an allow-list entry that is no address, CIDR or host. */
export class FetchPolicyError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`${setting}: ${reason}`);
    this.name = 'FetchPolicyError';
  }
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
