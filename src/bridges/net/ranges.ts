/**
 * Which addresses a fetch made for someone else may reach: only global unicast. Everything an
 * attacker could use to reach the gateway's own machine or network is named here — private,
 * loopback, link-local, CGNAT, multicast, reserved, documentation and benchmark ranges — and
 * IPv6 forms that carry an IPv4 address (mapped, compatible, translated, NAT64, 6to4) are judged
 * by the IPv4 address inside, since that is where the packets end up.
 */
import { embeddedV4, formatIp, inPrefix, parseIp, type IpAddress } from './ip.js';

interface Range {
  readonly net: IpAddress;
  readonly prefix: number;
  readonly name: string;
  /** Byte offset of an embedded IPv4 address: the range is judged by that address. */
  readonly embeds?: number;
}

function range(cidr: string, name: string, embeds?: number): Range {
  const [address = '', prefix = ''] = cidr.split('/');
  const net = parseIp(address);
  if (!net) throw new Error(`bad built-in range ${cidr}`);
  return { net, prefix: Number(prefix), name, ...(embeds !== undefined && { embeds }) };
}

// First match wins: narrower ranges come before the wider ones that contain them.
const V4: readonly Range[] = [
  range('0.0.0.0/8', '"this network" (0/8)'),
  range('10.0.0.0/8', 'private (10/8)'),
  range('100.64.0.0/10', 'carrier-grade NAT (100.64/10)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private (172.16/12)'),
  range('192.0.0.0/24', 'IETF protocol assignment'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private (192.168/16)'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved (240/4)'),
];

const V6: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::ffff:0:0/96', 'IPv4-mapped', 12),
  range('::ffff:0:0:0/96', 'IPv4-translated', 12),
  range('::/96', 'IPv4-compatible', 12),
  range('64:ff9b::/96', 'NAT64', 12),
  // Local-use NAT64 (RFC 8215) only exists inside a network: refused whatever it embeds.
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo'),
  range('2001:db8::/32', 'documentation'),
  range('2001::/23', 'IETF protocol assignment'),
  range('2002::/16', '6to4', 2),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'SRv6 SID'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];
const GLOBAL_UNICAST_V6 = range('2000::/3', 'global unicast');

/**
 * Why `ip` must not be fetched from — e.g. "loopback" or "NAT64 form of 127.0.0.1 (loopback)" — or
 * `undefined` for a public address.
 */
export function blockedRange(ip: IpAddress): string | undefined {
  const table = ip.family === 4 ? V4 : V6;
  const hit = table.find((r) => inPrefix(ip, r.net, r.prefix));
  if (hit?.embeds !== undefined) {
    const inner = embeddedV4(ip, hit.embeds);
    const why = blockedRange(inner);
    return why === undefined ? undefined : `${hit.name} form of ${formatIp(inner)} (${why})`;
  }
  if (hit) return hit.name;
  if (ip.family === 6 && !inPrefix(ip, GLOBAL_UNICAST_V6.net, GLOBAL_UNICAST_V6.prefix))
    return 'reserved IPv6 (outside 2000::/3)';
  return undefined;
}

/** `blockedRange` for an IP literal; a string that is not one is refused as "not an IP address". */
export function blockedAddress(address: string): string | undefined {
  const ip = parseIp(address);
  return ip ? blockedRange(ip) : 'not an IP address';
}
