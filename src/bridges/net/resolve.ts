/**
 * The check before every connection: the URL must be http(s), and every address its host
 * resolves to must pass the policy — one refused address refuses the URL, since the connection
 * could go to any of them. The fetcher then connects only to the addresses checked here (see
 * `fetch.ts`), so a DNS answer that changes between check and connect cannot slip through.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BadUrlError, BlockedAddressError, ResolveError } from './errors.js';
import { formatIp, parseIp } from './ip.js';
import type { AddressPolicy } from './policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (injectable so tests need no DNS). */
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** A URL that passed the policy, with the addresses a connection may use. */
export interface CheckedUrl {
  readonly url: URL;
  /** The host as written in the URL, without IPv6 brackets. */
  readonly host: string;
  readonly addresses: readonly ResolvedAddress[];
}

/** Parses `text` as an http(s) URL. @throws BadUrlError */
export function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadUrlError(text, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BadUrlError(text, `only http and https are fetched, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '')
    throw new BadUrlError(text, 'a URL with a user name or password is not fetched');
  return url;
}

/**
 * Resolves the host of `url` and checks every address.
 * @throws BadUrlError, ResolveError, BlockedAddressError
 */
export async function checkUrl(
  url: URL,
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<CheckedUrl> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = parseIp(host);
  let addresses: readonly ResolvedAddress[];
  if (literal) addresses = [{ address: formatIp(literal), family: literal.family }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new ResolveError(url.href, host, error);
    }
    if (addresses.length === 0) throw new ResolveError(url.href, host, new Error('no addresses'));
  }
  for (const { address } of addresses) {
    const ip = parseIp(address);
    const why = ip ? policy.refusal(host, ip) : 'unparseable';
    if (why !== undefined) throw new BlockedAddressError(url.href, host, address, why);
  }
  return { url, host, addresses };
}
