/**
 * Builds the libp2p host: TCP, Noise, Yamux, Identify and gossipsub without its own signatures
 * (entries are signed by their authors; the message id is the entry id). The peer id is derived
 * from the node key, so peers know a node by the same key that signs its log.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { bootstrap } from '@libp2p/bootstrap';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify, type Identify } from '@libp2p/identify';
import type { PeerId } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';
import { hash } from 'node:crypto';
import { withDeferredWindowUpdates } from './lazy-window.js';
import { MDNS_SERVICE_TAG } from './topics.js';
import { withTunedEncryption } from './tuned-encryption.js';

const EMPTY = new Uint8Array(0);

/**
 * The key gossipsub files a message id under in its seen, published and message caches (a
 * local string: the wire carries the id's bytes). Its default spells the bytes in base64 through
 * a multibase prefix it cuts off, which keeps the uncut string alive behind each key; our ids
 * are UTF-8 text (an entry id, 43-64 characters), so one character per byte (latin1) is a
 * shorter key, one-to-one for any bytes a peer sends in IHAVE/IWANT, and cheaper to make.
 */
export function messageIdKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
}

export type Host = Libp2p<{ identify: Identify; pubsub: GossipSub }>;

export interface HostInit {
  readonly seed: Uint8Array;
  readonly listen: readonly string[];
  readonly announce?: readonly string[];
  readonly bootstrap?: readonly string[];
  readonly mdns: boolean;
  /** Gossipsub message id of a payload on a topic. */
  readonly messageId: (topic: string, data: Uint8Array) => Uint8Array;
  /** Gossipsub application-specific score of a peer (<= 0). */
  readonly appScore: (peerId: string) => number;
  /** True when connections with this peer must be refused. */
  readonly denied: (peerId: PeerId) => boolean;
}

/** Creates (does not start) the host. */
export async function createHost(init: HostInit): Promise<Host> {
  const privateKey = await generateKeyPairFromSeed('Ed25519', init.seed);
  const peerDiscovery = [
    ...(init.bootstrap && init.bootstrap.length > 0
      ? [bootstrap({ list: [...init.bootstrap], timeout: 100 })]
      : []),
    ...(init.mdns ? [mdns({ serviceTag: MDNS_SERVICE_TAG })] : []),
  ];
  return createLibp2p({
    privateKey,
    start: false,
    addresses: {
      listen: [...init.listen],
      ...(init.announce && init.announce.length > 0 ? { announce: [...init.announce] } : {}),
    },
    transports: [tcp()],
    // Per-message costs of the stock stack, cut for many small gossip messages: see the two
    // wrappers. The bytes on the wire are unchanged (peers with stock stacks interoperate).
    connectionEncrypters: [withTunedEncryption(noise())],
    streamMuxers: [withDeferredWindowUpdates(yamux())],
    connectionGater: {
      denyDialPeer: (peer) => init.denied(peer),
      denyInboundEncryptedConnection: (peer) => init.denied(peer),
      denyOutboundEncryptedConnection: (peer) => init.denied(peer),
    },
    peerDiscovery,
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (message) => init.messageId(message.topic, message.data),
        // Duplicates (a message arrives from several mesh peers) are dropped on a cheap hash of
        // the raw bytes, before the entry is decoded for its id. One-shot `hash` is about twice
        // as fast as createHash for a 1 KB message, and runs once per copy received.
        fastMsgIdFn: (message) => hash('sha1', message.data ?? EMPTY, 'base64'),
        msgIdToStrFn: messageIdKey,
        // A node alone in a channel still writes; peers get the entries by sync later.
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        // Our own entries go to every subscribed peer at once, not only the mesh: lower latency
        // for the common case of a small set of nodes.
        floodPublish: true,
        // IDONTWANT saves bandwidth for large messages; ours are ~1 KB, and announcing each
        // receipt to every mesh peer would cost more writes than the duplicates it prevents.
        idontwantMinDataSize: 16 * 1024,
        scoreParams: {
          appSpecificScore: (peer) => init.appScore(peer),
          // Loopback and LAN tests put every node on one IP.
          IPColocationFactorWeight: 0,
        },
      }),
    },
  });
}
