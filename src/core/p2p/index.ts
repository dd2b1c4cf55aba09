/**
 * The P2P layer of a Multichat node (DESIGN §4): a libp2p host, gossipsub topics per channel and
 * for presence, the log sync protocol and discovery. `createP2P(options)(components)` builds it
 * without I/O; `start()` listens and joins the network, `stop()` leaves it.
 */
import type { PeerId, PeerInfo } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { hashBytes } from '../encoding.js';
import { silentLogger } from '../options.js';
import type { BlobStore, ChannelId } from '../types.js';
import { BlobExchange } from './blob-exchange.js';
import { DEFAULT_BLOB_LIMITS } from './blob-server.js';
import { ChannelVisibility, HostedChannels } from './channel-access.js';
import { ConnectionKeeper } from './connections.js';
import { ChannelUnavailableError, P2PNotStartedError } from './errors.js';
import { Gossip } from './gossip.js';
import { createHost, type Host } from './host.js';
import { DenyList, Penalties } from './peer-policy.js';
import { PresenceGossip } from './presence.js';
import { SyncManager } from './sync-manager.js';
import { DEFAULT_BATCH } from './sync-server.js';
import { isEntryTopic } from './topics.js';
import type { P2P, P2PComponents, P2POptions, P2PStatus, SyncState } from './types.js';
import { createEntryValidation } from './validator.js';

export type * from './types.js';
export * from './errors.js';
export { SYNC_PROTOCOL } from './sync-messages.js';
export { BLOB_PROTOCOL } from './blob-messages.js';
export { channelTopic, LOG_TOPIC, PRESENCE_TOPIC } from './topics.js';

/** How long `fetchChannel` waits for a first peer when none is connected yet. */
const FIRST_PEER_WAIT_MS = 5_000;

class P2PHost implements P2P {
  private host: Host | undefined;
  private sync: SyncManager | undefined;
  private gossip: Gossip | undefined;
  private presence: PresenceGossip | undefined;
  private blobs: BlobExchange | undefined;
  private keeper: ConnectionKeeper | undefined;
  private access: { visibility: ChannelVisibility; hosted: HostedChannels } | undefined;
  /** Ends the gossip signature thread (P2P option `signatureWorker`). */
  private closeValidation: (() => Promise<void>) | undefined;
  private readonly penalties = new Penalties();
  private readonly denyList: DenyList;
  private readonly log;
  private readonly onConnect = (event: CustomEvent<PeerId>) => {
    void this.sync?.syncWith(event.detail);
    this.presence?.announceSoon();
  };
  private readonly onDiscovery = (event: CustomEvent<PeerInfo>) => {
    this.keeper?.discovered(event.detail.id, event.detail.multiaddrs);
  };

  constructor(
    private readonly options: P2POptions,
    private readonly components: P2PComponents,
  ) {
    this.log = components.logger ?? silentLogger;
    this.denyList = new DenyList(options.deniedPeersFile, () => {
      this.keeper?.resetBackoff();
      void this.keeper?.enforceDenied();
    });
  }

  async start(): Promise<void> {
    if (this.host) return;
    const { node } = this.components;
    const validation = createEntryValidation(
      node,
      {
        onPending: (peer) => this.sync?.requestRepair(peer),
        onRejected: (peer, reason) => {
          this.penalties.penalize(peer.toString());
          this.log.warn({ peer: peer.toString(), reason }, 'gossip: refused an entry');
        },
      },
      { signatureWorker: this.options.signatureWorker ?? false, log: this.log },
    );
    this.closeValidation = validation.close;
    this.denyList.start();
    const host = await createHost({
      seed: this.options.seed,
      listen: this.options.listen,
      announce: this.options.announce,
      bootstrap: this.options.bootstrap,
      mdns: this.options.mdns ?? true,
      messageId: (topic, data) =>
        isEntryTopic(topic)
          ? validation.messageId(data)
          : new TextEncoder().encode(hashBytes(data)),
      appScore: (peer) => this.penalties.score(peer),
      denied: (peer) => this.denyList.has(peer.toString()),
    });
    this.host = host;
    const access = { visibility: new ChannelVisibility(node), hosted: new HostedChannels(node) };
    this.access = access;
    const sync = new SyncManager(
      host,
      node,
      this.log,
      {
        intervalMs: this.options.syncIntervalMs ?? 30_000,
        batch: {
          entries: this.options.batchEntries ?? DEFAULT_BATCH.entries,
          bytes: this.options.batchBytes ?? DEFAULT_BATCH.bytes,
        },
      },
      access,
      (peer, count) => {
        for (let i = 0; i < count; i += 1) this.penalties.penalize(peer.toString());
        this.log.warn({ peer: peer.toString(), count }, 'sync: peer sent invalid entries');
      },
    );
    this.sync = sync;
    this.gossip = new Gossip(
      host,
      node,
      validation.validate,
      this.log,
      {
        ...access,
        fetch: (peer, ids) => sync.fetchWithProof(peer, ids),
        noteContentless: (ids, channel) => sync.noteContentless(ids, channel),
      },
      validation.published,
    );
    this.presence = new PresenceGossip(host, node, this.log, (peer) =>
      this.penalties.penalize(peer.toString()),
    );
    this.blobs = this.blobExchange(host, access);
    this.keeper = new ConnectionKeeper(
      host,
      this.options.bootstrap ?? [],
      this.options.redialIntervalMs ?? 5_000,
      (peer) => this.denyList.has(peer),
      this.log,
    );
    // Before start: mDNS answers and the bootstrap dials may come right after it.
    host.addEventListener('peer:connect', this.onConnect);
    host.addEventListener('peer:discovery', this.onDiscovery);
    await this.sync.start();
    await this.blobs?.start();
    await host.start();
    this.gossip.start();
    this.presence.start();
    this.keeper.start();
    this.log.info({ peerId: this.peerId(), addresses: this.addresses() }, 'p2p: started');
  }

  async stop(): Promise<void> {
    const host = this.host;
    if (!host) return;
    host.removeEventListener('peer:connect', this.onConnect);
    host.removeEventListener('peer:discovery', this.onDiscovery);
    this.keeper?.stop();
    this.presence?.stop();
    this.denyList.stop();
    await this.gossip?.stop();
    await this.blobs?.stop();
    this.blobs = undefined;
    await this.sync?.stop();
    await host.stop();
    await this.closeValidation?.();
    this.closeValidation = undefined;
    await this.sync?.settled();
    this.access?.visibility.stop();
    this.access?.hosted.stop();
    this.access = undefined;
    this.host = undefined;
    this.log.info({}, 'p2p: stopped');
  }

  /** Files of messages between peers (blob-exchange.ts); none for a node without a blob store. */
  private blobExchange(
    host: Host,
    access: { visibility: ChannelVisibility; hosted: HostedChannels },
  ): BlobExchange | undefined {
    const { node } = this.components;
    if (!node.blobs) return undefined;
    const o = this.options;
    const d = DEFAULT_BLOB_LIMITS;
    const limits = {
      maxBytes: o.blobMaxBytes ?? d.maxBytes,
      streamsPerPeer: o.blobStreamsPerPeer ?? d.streamsPerPeer,
      streams: o.blobStreams ?? d.streams,
      streamTimeoutMs: o.blobStreamTimeoutMs ?? d.streamTimeoutMs,
      stallMs: o.blobStallMs ?? d.stallMs,
      peerTimeoutMs: o.blobPeerTimeoutMs ?? 5_000,
    };
    return new BlobExchange(
      host,
      node as typeof node & { blobs: BlobStore },
      access,
      limits,
      this.log,
      (peer, reason) => {
        this.penalties.penalize(peer.toString());
        this.log.warn({ peer: peer.toString(), reason }, 'blob: peer sent a wrong or broken blob');
      },
    );
  }

  private running(): Host {
    if (!this.host) throw new P2PNotStartedError();
    return this.host;
  }

  peerId(): string {
    return this.running().peerId.toString();
  }

  peers(): readonly string[] {
    return this.host ? this.host.getPeers().map((p) => p.toString()) : [];
  }

  addresses(): readonly string[] {
    return this.host ? this.host.getMultiaddrs().map((a) => a.toString()) : [];
  }

  syncState(): SyncState {
    return this.sync
      ? this.sync.state()
      : { running: 0, completed: 0, failed: 0, entriesReceived: 0, pending: 0, peers: {} };
  }

  status(): P2PStatus {
    return {
      peerId: this.host ? this.peerId() : '',
      addresses: this.addresses(),
      peers: this.peers(),
      topics: this.gossip?.topics() ?? [],
      sync: this.syncState(),
      refused: this.penalties.all(),
    };
  }

  async fetchChannel(channel: string): Promise<void> {
    const host = this.running();
    const { node } = this.components;
    if (node.getChannel(channel as ChannelId)) return;
    // Just after start the bootstrap dials may still be under way: give them a moment.
    for (let waited = 0; host.getPeers().length === 0 && waited < FIRST_PEER_WAIT_MS;) {
      await new Promise((r) => setTimeout(r, 100));
      waited += 100;
    }
    for (const peer of host.getPeers()) {
      await this.sync?.syncWith(peer, { channels: [channel] });
      if (node.getChannel(channel as ChannelId)) {
        this.gossip?.refreshTopics();
        return;
      }
    }
    throw new ChannelUnavailableError(channel);
  }

  async syncNow(): Promise<void> {
    this.running();
    await this.sync?.syncAll();
  }

  async dial(address: string): Promise<void> {
    await this.running().dial(multiaddr(address));
  }
}

/** Builds the P2P layer; no I/O until `start()`. */
export function createP2P(options: P2POptions): (components: P2PComponents) => P2P {
  return (components) => new P2PHost(options, components);
}
