/** Starts in-process P2P layers around fake nodes on loopback, and waits for conditions. */
import { randomBytes } from 'node:crypto';
import { createP2P, type P2P, type P2POptions } from '../../../src/core/p2p/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeNode } from './fake-node.js';

export interface TestPeer {
  readonly node: FakeNode;
  readonly p2p: P2P;
}

export async function startPeer(
  options: Partial<P2POptions> = {},
  node = new FakeNode(),
): Promise<TestPeer> {
  const p2p = createP2P({
    seed: new Uint8Array(randomBytes(32)),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
    ...options,
  })({ node });
  await p2p.start();
  return { node, p2p };
}

/** Polls `check` until it returns true; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  await eventually(check, { what, timeoutMs: ms, intervalMs: 20 });
}

export async function connect(a: TestPeer, b: TestPeer): Promise<void> {
  await a.p2p.dial(b.p2p.addresses()[0] as string);
  await waitFor('connection', () => a.p2p.peers().includes(b.p2p.peerId()));
}
