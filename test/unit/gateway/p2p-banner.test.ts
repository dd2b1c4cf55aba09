import { describe, expect, it } from 'vitest';
import { p2pBanner, p2pExposure } from '../../../src/gateway/p2p-banner.js';

describe('the P2P exposure said at start', () => {
  it('the defaults (every interface, mDNS on) are named, with how to stay on loopback', () => {
    const e = p2pExposure(['/ip4/0.0.0.0/tcp/0'], ['/ip4/192.168.1.5/tcp/40001/p2p/12D3'], true);
    expect(e.allInterfaces).toBe(true);
    expect(p2pBanner(e)).toEqual([
      'P2P listening on /ip4/0.0.0.0/tcp/0 (every interface); dialable as /ip4/192.168.1.5/tcp/40001/p2p/12D3',
      'mDNS is on: this node announces itself to, and connects with, peers on the local network',
      'to keep this node on loopback set node.listen: [/ip4/127.0.0.1/tcp/0] and node.mdns: false',
    ]);
  });

  it('a loopback node without mDNS gets no hint; IPv6 wildcards count as every interface', () => {
    expect(p2pBanner(p2pExposure(['/ip4/127.0.0.1/tcp/4747'], [], false))).toEqual([
      'P2P listening on /ip4/127.0.0.1/tcp/4747',
      'mDNS is off: peers come from node.bootstrap or dial this node',
    ]);
    expect(p2pExposure(['/ip6/::/tcp/0'], [], false).allInterfaces).toBe(true);
  });
});
