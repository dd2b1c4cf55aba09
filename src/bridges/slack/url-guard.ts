/**
 * Attachments reach the adapter as URLs written by people on other networks, and the adapter
 * fetches them to upload to Slack: unchecked, anyone could make the gateway read an internal
 * address (a cloud metadata service, an admin port on localhost) and publish the answer in a
 * Slack channel. Hosts that resolve to loopback, private, link-local or other non-public ranges
 * are refused unless the operator allows them (`allowPrivateAttachmentUrls`, tests on loopback).
 * The check resolves the name once before the fetch; a DNS answer that changes in between is
 * not caught (docs/slack.md says so).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AttachmentFetchError } from './errors.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** @throws AttachmentFetchError when `url` is not http(s) or its host resolves to a private address. */
export async function assertPublicUrl(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AttachmentFetchError(url, 'not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AttachmentFetchError(url, 'not an http(s) URL');
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  } catch (error) {
    throw new AttachmentFetchError(url, `cannot resolve ${host}: ${String(error)}`);
  }
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
    throw new AttachmentFetchError(url, `${host} is not a public address`);
  }
}
