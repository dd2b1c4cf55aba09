/**
 * The address classifier over every form an attacker can write an internal address in: plain,
 * IPv4 embedded in IPv6 (mapped, compatible, translated, NAT64, 6to4), and the host spellings
 * that WHATWG URL turns into 127.0.0.1 (decimal, octal, hex, short forms).
 */
import { describe, expect, it } from 'vitest';
import {
  AddressPolicy,
  FetchPolicyError,
  blockedAddress,
  parseIp,
} from '../../../src/bridges/net/index.js';

const blocked: Record<string, RegExp> = {
  '127.0.0.1': /loopback/,
  '127.255.255.254': /loopback/,
  '10.1.2.3': /private/,
  '172.16.0.1': /private/,
  '172.31.255.255': /private/,
  '192.168.1.1': /private/,
  '169.254.169.254': /link-local/,
  '100.64.0.1': /carrier-grade NAT/,
  '100.127.255.255': /carrier-grade NAT/,
  '0.0.0.0': /this network/,
  '0.1.2.3': /this network/,
  '224.0.0.1': /multicast/,
  '239.255.255.250': /multicast/,
  '240.0.0.1': /reserved/,
  '255.255.255.255': /broadcast/,
  '198.18.0.1': /benchmarking/,
  '198.19.255.255': /benchmarking/,
  '192.0.2.1': /documentation/,
  '198.51.100.7': /documentation/,
  '203.0.113.9': /documentation/,
  '192.0.0.8': /IETF/,
  '::': /unspecified/,
  '::1': /loopback/,
  'fe80::1': /link-local/,
  'febf:ffff::1': /link-local/,
  'fc00::1': /unique-local/,
  'fd12:3456::1': /unique-local/,
  'ff02::1': /multicast/,
  'fec0::1': /site-local/,
  '::ffff:127.0.0.1': /IPv4-mapped form of 127\.0\.0\.1 \(loopback\)/,
  '::ffff:7f00:1': /IPv4-mapped form of 127\.0\.0\.1 \(loopback\)/,
  '::ffff:10.0.0.1': /IPv4-mapped form of 10\.0\.0\.1 \(private/,
  '::ffff:169.254.169.254': /IPv4-mapped form of 169\.254\.169\.254 \(link-local\)/,
  '::127.0.0.1': /IPv4-compatible form of 127\.0\.0\.1 \(loopback\)/,
  '::7f00:1': /IPv4-compatible form of 127\.0\.0\.1/,
  '::ffff:0:7f00:1': /IPv4-translated form of 127\.0\.0\.1/,
  '64:ff9b::7f00:1': /NAT64 form of 127\.0\.0\.1 \(loopback\)/,
  '64:ff9b::127.0.0.1': /NAT64 form of 127\.0\.0\.1/,
  '64:ff9b::a9fe:a9fe': /NAT64 form of 169\.254\.169\.254/,
  '64:ff9b:1::808:808': /local-use NAT64/,
  '2002:7f00:1::': /6to4 form of 127\.0\.0\.1 \(loopback\)/,
  '2002:c0a8:101::1': /6to4 form of 192\.168\.1\.1/,
  '2001::1': /Teredo/,
  '2001:0:4136:e378:8000:63bf:3fff:fdd2': /Teredo/,
  '2001:db8::1': /documentation/,
  '3fff::1': /documentation/,
  '2001:2::1': /IETF/,
  '100::1': /discard-only/,
  '1234::1': /outside 2000::\/3/,
  '[::1]': /loopback/,
  'fe80::1%eth0': /link-local/,
};

const open = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('address classifier', () => {
  it.each(Object.entries(blocked))('refuses %s', (address, why) => {
    expect(blockedAddress(address)).toMatch(why);
  });

  it.each(open)('lets %s through', (address) => {
    expect(blockedAddress(address)).toBeUndefined();
  });

  it('refuses what is not an IP literal', () => {
    expect(blockedAddress('localhost')).toBe('not an IP address');
    expect(blockedAddress('1.2.3')).toBe('not an IP address');
  });

  // WHATWG URL normalises these host spellings to 127.0.0.1 before anyone sees them.
  it.each([
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
  ])('%s names a refused address', (url) => {
    const host = new URL(url).hostname;
    expect(parseIp(host), host).toBeDefined();
    expect(blockedAddress(host)).toMatch(/loopback/);
  });
});

describe('allow-list', () => {
  const loop = parseIp('127.0.0.1');
  const loop2 = parseIp('127.0.0.2');
  if (!loop || !loop2) throw new Error('parse');

  it('allows exactly the listed address, range or host name', () => {
    const policy = new AddressPolicy({ allow: ['127.0.0.2', '10.0.0.0/8', 'Files.Intranet.'] });
    expect(policy.refusal('127.0.0.2', loop2)).toBeUndefined();
    expect(policy.refusal('127.0.0.1', loop)).toBe('loopback');
    expect(policy.refusal('x', parseIp('10.9.9.9') ?? loop)).toBeUndefined();
    expect(policy.refusal('files.intranet', loop)).toBeUndefined();
    expect(policy.refusal('other.intranet', loop)).toBe('loopback');
    // The mapped form of an allowed address is not the allowed address.
    expect(policy.refusal('x', parseIp('::ffff:127.0.0.2') ?? loop)).toMatch(/IPv4-mapped/);
  });

  it('allowPrivateAddresses allows everything', () => {
    expect(new AddressPolicy({ allowPrivateAddresses: true }).refusal('x', loop)).toBeUndefined();
  });

  it('refuses an entry that is no address, range or host name', () => {
    expect(() => new AddressPolicy({ allow: ['10.0.0.0/33'] })).toThrow(FetchPolicyError);
    expect(() => new AddressPolicy({ allow: ['http://x/'] })).toThrow(/allow entry "http:\/\/x\/"/);
    expect(() => new AddressPolicy({ allow: ['fd00::/200'] })).toThrow(/0 to 128/);
  });
});
