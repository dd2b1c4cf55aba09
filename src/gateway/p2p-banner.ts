/**
 * What the P2P host exposes, said at start: the listen addresses and whether mDNS announces the
 * node on the LAN. The defaults (`/ip4/0.0.0.0/tcp/0`, mDNS on) reach every interface, which a
 * new operator should not have to find out from `ss`: the console banner says it and how to
 * keep the node on loopback (README: "Keeping a node on loopback").
 */

export interface P2PExposure {
  /** The configured `node.listen` multiaddrs. */
  readonly listen: readonly string[];
  /** The addresses the host actually listens on (ports resolved), if known. */
  readonly addresses: readonly string[];
  readonly mdns: boolean;
  /** True when some listen address is a wildcard (0.0.0.0 or ::): every interface. */
  readonly allInterfaces: boolean;
}

const WILDCARD = /^\/ip[46]\/(0\.0\.0\.0|::)\//;

export function p2pExposure(
  listen: readonly string[],
  addresses: readonly string[],
  mdns: boolean,
): P2PExposure {
  return { listen, addresses, mdns, allInterfaces: listen.some((a) => WILDCARD.test(a)) };
}

/** The console lines: where P2P listens, mDNS, and the hint when the node is not on loopback. */
export function p2pBanner(e: P2PExposure): string[] {
  const where = e.allInterfaces
    ? `${e.listen.join(', ')} (every interface)`
    : e.listen.join(', ') || 'nothing (node.listen is empty)';
  const lines = [
    `P2P listening on ${where}${e.addresses.length ? `; dialable as ${e.addresses.join(', ')}` : ''}`,
    e.mdns
      ? 'mDNS is on: this node announces itself to, and connects with, peers on the local network'
      : 'mDNS is off: peers come from node.bootstrap or dial this node',
  ];
  if (e.allInterfaces || e.mdns) {
    lines.push(
      'to keep this node on loopback set node.listen: [/ip4/127.0.0.1/tcp/0] and node.mdns: false',
    );
  }
  return lines;
}
