/**
 * IP literals as bytes, so ranges can be compared bit by bit and an IPv4 address embedded in an
 * IPv6 one (mapped, compatible, NAT64, 6to4) can be taken out and judged as IPv4. Only what
 * `node:net` accepts as an IP literal is parsed; anything else is `undefined`.
 */
import { isIP } from 'node:net';

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/** Parses an IP literal (brackets and an IPv6 zone id are tolerated). */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return { family: 4, bytes: parseV4(bare) };
  if (family === 6) return { family: 6, bytes: parseV6(bare) };
  return undefined;
}

function parseV4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function parseV6(text: string): Uint8Array {
  let body = text.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body)?.[1];
  if (quad) {
    const [a = 0, b = 0, c = 0, d = 0] = parseV4(quad);
    body = `${body.slice(0, -quad.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = new Array<string>(8 - left.length - right.length).fill('0');
  const all = [...left, ...zeros, ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** The address in its usual text form (IPv6 compressed by `URL`'s rules). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** True when the first `prefix` bits of `ip` equal those of `net` (same family). */
export function inPrefix(ip: IpAddress, net: IpAddress, prefix: number): boolean {
  if (ip.family !== net.family) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const i = bit / 8;
    if (((ip.bytes[i] ?? 0) & mask) !== ((net.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Four bytes of `ip` starting at byte `offset`, as an IPv4 address. */
export function embeddedV4(ip: IpAddress, offset: number): IpAddress {
  return { family: 4, bytes: ip.bytes.slice(offset, offset + 4) };
}
