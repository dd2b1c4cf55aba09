/**
 * Run by mdns.test.ts inside a fresh network namespace (`unshare -rn`): two P2P layers with
 * mDNS on and no bootstrap list must find each other, connect, and carry a channel message,
 * while a stock libp2p node announcing itself under libp2p's default mDNS service (as an IPFS
 * daemon on the LAN would) is neither found nor connected.
 * Prints one JSON line (`PairReport`). Refuses to start mDNS when the process can see any
 * interface but loopback: multicast from a test must never reach a real network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { mdns } from '@libp2p/mdns';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { createNode } from '../../../src/core/index.js';
import { loadOrCreateNodeKey } from '../../../src/core/identity.js';
import { createP2P, type P2P } from '../../../src/core/p2p/index.js';
import type { MultichatNode } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';

/** What the parent test reads. `stage` names the step that was reached or failed. */
export interface PairReport {
  readonly interfaces: string[];
  readonly stage: 'isolation' | 'discovery' | 'channel' | 'delivery' | 'done' | 'crashed';
  readonly peerA?: string;
  readonly peersOfB?: readonly string[];
  /** The stock libp2p node's id, and the peers it found. */
  readonly stranger?: string;
  readonly peersOfStranger?: readonly string[];
  readonly textsOnB?: (string | null)[];
  readonly error?: string;
}

interface Running {
  node: MultichatNode;
  p2p: P2P;
  dir: string;
}

async function start(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-mdns-'));
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: true,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
  })({ node });
  await p2p.start();
  return { node, p2p, dir };
}

/** A libp2p node with stock mDNS settings (service `_p2p._udp.local`). */
async function startStranger() {
  const host = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [mdns()],
  });
  await host.start();
  return host;
}

/** Polls until `check` holds; false after `ms`. */
/** True once `check` holds; false after `ms` (the report names the stage that did not happen). */
const until = (check: () => boolean, ms: number): Promise<boolean> =>
  eventually(check, { what: 'mdns stage', timeoutMs: ms }).then(
    () => true,
    () => false,
  );

async function run(): Promise<PairReport> {
  const interfaces = Object.keys(networkInterfaces());
  if (interfaces.some((name) => name !== 'lo')) {
    return { interfaces, stage: 'isolation', error: 'not in a loopback-only namespace' };
  }
  const nodes: Running[] = [];
  // Up before B, so B's first query would find it if the service matched.
  const stranger = await startStranger();
  try {
    const a = await start();
    nodes.push(a);
    const b = await start();
    nodes.push(b);
    const peerA = a.p2p.peerId();
    const strangerId = stranger.peerId.toString();
    const peersOfStranger = () => stranger.getPeers().map((p) => p.toString());
    const base = { interfaces, peerA, stranger: strangerId };
    // The first query goes out at start, then every 10 s: 25 s allows two lost rounds.
    if (!(await until(() => b.p2p.peers().includes(peerA), 25_000))) {
      return { ...base, stage: 'discovery', peersOfB: b.p2p.peers() };
    }
    const peersOfB = b.p2p.peers();
    const alice = (await a.node.createLocalUser('alice')).user;
    const channel = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'lan' })).channel!
      .id;
    await b.p2p.fetchChannel(channel);
    const bob = (await b.node.createLocalUser('bob')).user;
    await b.node.submit(bob.id, { kind: 'joinChannel', channel });
    if (!(await until(() => a.node.listMembers(channel).length === 2, 10_000))) {
      return { ...base, stage: 'channel', peersOfB };
    }
    await a.node.submit(alice.id, { kind: 'sendMessage', channel, text: 'found over mDNS' });
    const texts = () => b.node.listMessages(channel).map((m) => m.text);
    const delivered = await until(() => texts().includes('found over mDNS'), 10_000);
    return {
      ...base,
      stage: delivered ? 'done' : 'delivery',
      peersOfB: b.p2p.peers(),
      peersOfStranger: peersOfStranger(),
      textsOnB: texts(),
    };
  } finally {
    await stranger.stop();
    for (const r of nodes) {
      await r.p2p.stop();
      await r.node.stop();
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
}

run().then(
  (report) => console.log(JSON.stringify(report)),
  (err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    const report: PairReport = { interfaces: [], stage: 'crashed', error };
    console.log(JSON.stringify(report));
  },
);
