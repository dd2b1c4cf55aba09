/**
 * What a fetcher may do: its limits and which non-public destinations an operator allows (an
 * intranet, or loopback in tests). The allow-list takes addresses, CIDR ranges and exact host
 * names, so a test can allow the one loopback address of its file server while every other
 * loopback address stays refused.
 */
import { FetchPolicyError } from './errors.js';
import { inPrefix, parseIp, type IpAddress } from './ip.js';
import { blockedRange } from './ranges.js';

export interface FetchPolicyOptions {
  /** Largest body accepted; a longer one is cut off and refused. Default 25 MiB. */
  readonly maxBytes?: number;
  /** The whole fetch, redirects and body included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Redirects followed at most. Default 5. */
  readonly maxRedirects?: number;
  /** Fetch from any address (private, loopback…) — for a closed network only. Default false. */
  readonly allowPrivateAddresses?: boolean;
  /**
   * Non-public destinations allowed anyway: IP addresses (`10.1.2.3`), CIDR ranges
   * (`10.0.0.0/8`, `fd00::/8`) and exact host names (`files.intranet`, whatever they resolve to).
   */
  readonly allow?: readonly string[];
}

export type FetchPolicy = Required<FetchPolicyOptions>;

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  maxBytes: 25 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRedirects: 5,
  allowPrivateAddresses: false,
  allow: [],
};

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

interface AllowedNet {
  readonly net: IpAddress;
  readonly prefix: number;
}

/** Decides, per host and resolved address, whether a connection may be made. */
export class AddressPolicy {
  readonly policy: FetchPolicy;
  private readonly hosts = new Set<string>();
  private readonly nets: AllowedNet[] = [];

  /** @throws FetchPolicyError for an allow-list entry that is not an address, CIDR or host. */
  constructor(options: FetchPolicyOptions = {}) {
    this.policy = { ...DEFAULT_FETCH_POLICY, ...stripUndefined(options) };
    for (const entry of this.policy.allow) this.add(entry);
  }

  private add(entry: string): void {
    const [address = '', prefixText, extra] = entry.trim().split('/');
    const ip = parseIp(address);
    if (ip) {
      const max = ip.family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max)
        throw new FetchPolicyError(
          `allow entry ${JSON.stringify(entry)}`,
          `the prefix length must be 0 to ${max}`,
        );
      this.nets.push({ net: ip, prefix });
      return;
    }
    if (prefixText !== undefined || !HOST_NAME.test(address))
      throw new FetchPolicyError(
        `allow entry ${JSON.stringify(entry)}`,
        'expected an IP address, a CIDR range or a host name',
      );
    this.hosts.add(normalHost(address));
  }

  /**
   * Why a connection to `ip` (resolved from `host`) is refused, or `undefined` when it is
   * public or allowed.
   */
  refusal(host: string, ip: IpAddress): string | undefined {
    const why = blockedRange(ip);
    if (why === undefined || this.policy.allowPrivateAddresses) return undefined;
    if (this.hosts.has(normalHost(host))) return undefined;
    if (this.nets.some((n) => inPrefix(ip, n.net, n.prefix))) return undefined;
    return why;
  }
}

function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function stripUndefined(options: FetchPolicyOptions): FetchPolicyOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
