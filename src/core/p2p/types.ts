/**
 * Contracts of the P2P layer: what it needs from the node (a subset of `MultichatNode`), how it
 * is configured, and what it reports. Type-only.
 */
import type { CoreLogger } from '../options.js';
import type { MultichatNode } from '../types.js';

/**
 * The part of the node the P2P layer uses. `wireEntriesAfter` is optional: a node without it
 * (a test double, another store) is served through `entriesAfter`, decoded and re-encoded. A node
 * without the membership methods proves nothing and lets no peer read a non-public channel; a
 * node without `blobs` neither serves nor fetches files.
 */
export type SyncNode = Partial<
  Pick<
    MultichatNode,
    | 'wireEntriesAfter'
    | 'memberKeys'
    | 'signMembershipChallenge'
    | 'channelsReadableBy'
    | 'membershipSince'
    | 'listMessages'
    | 'blobs'
  >
> &
  Pick<
    MultichatNode,
    | 'address'
    | 'ingest'
    | 'ingestPresence'
    | 'frontier'
    | 'entriesAfter'
    | 'getEntries'
    | 'followedChannels'
    | 'getChannel'
    | 'on'
    | 'metrics'
  >;

/** Configuration of the P2P host (config keys `node.listen`, `node.bootstrap`, `node.mdns`). */
export interface P2POptions {
  /** 32-byte Ed25519 seed of the node key: the libp2p peer id is the node's key. */
  readonly seed: Uint8Array;
  /** Multiaddrs to listen on, e.g. `/ip4/127.0.0.1/tcp/0`. */
  readonly listen: readonly string[];
  /** Multiaddrs ending in `/p2p/<peerId>`; dialled at start and redialled while unconnected. */
  readonly bootstrap?: readonly string[];
  /** Multiaddrs to advertise instead of the listen addresses (NAT, port forwarding). */
  readonly announce?: readonly string[];
  /** mDNS discovery on the LAN. Default true. */
  readonly mdns?: boolean;
  /**
   * A file of denied peer ids, one per line, re-read while running (default none). Connections
   * to and from a denied peer are refused and open ones are closed.
   */
  readonly deniedPeersFile?: string;
  /** Periodic sync with every connected peer. Default 30 s; 0 disables. */
  readonly syncIntervalMs?: number;
  /** How often unconnected bootstrap and known peers are redialled. Default 5 s; 0 disables. */
  readonly redialIntervalMs?: number;
  /** Most entries per sync batch. Default 1024. */
  readonly batchEntries?: number;
  /** Most encoded bytes per sync batch (a single larger entry still travels alone). Default 2 MiB. */
  readonly batchBytes?: number;
  /** Largest blob (file) served to or accepted from a peer: the media limit. Default 25 MiB. */
  readonly blobMaxBytes?: number;
  /** Blob streams sending bytes at once to one peer (more are answered busy). Default 2. */
  readonly blobStreamsPerPeer?: number;
  /** Blob streams sending bytes at once, all peers. Default 16. */
  readonly blobStreams?: number;
  /** Whole life of one blob stream, either side. Default 60 s. */
  readonly blobStreamTimeoutMs?: number;
  /** Longest a reader may leave a served blob stream full before it is aborted. Default 10 s. */
  readonly blobStallMs?: number;
  /** Fetching: longest wait for one peer's answer or next chunk before asking the next. Default 5 s. */
  readonly blobPeerTimeoutMs?: number;
  /**
   * Check the signatures of gossip entries on a worker thread (p2p/signature-checks.ts).
   * Default false: bench/gossip-api.ts measures whether it pays.
   */
  readonly signatureWorker?: boolean;
}

/** Injected components: only what the P2P layer needs. */
export interface P2PComponents {
  readonly node: SyncNode;
  readonly logger?: CoreLogger;
}

/** Sync progress, for `GET /api/v1/status` and the dashboard. */
export interface SyncState {
  /** Syncs running now. */
  readonly running: number;
  /** Completed syncs since start. */
  readonly completed: number;
  /** Syncs that failed (peer went away, protocol error). */
  readonly failed: number;
  /** Entries received through sync since start (accepted by the node). */
  readonly entriesReceived: number;
  /** Entries the node holds until their dependencies arrive. */
  readonly pending: number;
  /** ISO time of the last completed sync, if any. */
  readonly lastSyncAt?: string;
  /** Per peer: ISO time of the last completed sync with it. */
  readonly peers: Readonly<Record<string, string>>;
}

/** What `status()` returns. */
export interface P2PStatus {
  readonly peerId: string;
  readonly addresses: readonly string[];
  readonly peers: readonly string[];
  readonly topics: readonly string[];
  readonly sync: SyncState;
  /** Per peer: decayed count of entries or announcements it sent that were refused. */
  readonly refused: Readonly<Record<string, number>>;
}

/** The running P2P layer (a Startable). */
export interface P2P {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** This node's libp2p peer id (derived from the node key). */
  peerId(): string;
  /** Connected peer ids. */
  peers(): readonly string[];
  /** Listen (or announced) multiaddrs including `/p2p/<peerId>`. */
  addresses(): readonly string[];
  syncState(): SyncState;
  status(): P2PStatus;
  /**
   * Fetches a channel this node has never seen from connected peers (its creation, memberships
   * and history), so that a join can follow. Resolves when the node knows the channel; throws
   * ChannelUnavailableError when no peer has it.
   */
  fetchChannel(channel: string): Promise<void>;
  /** Runs a sync with every connected peer now; resolves when all finished. */
  syncNow(): Promise<void>;
  /** Dials a multiaddr (ending in /p2p/<peerId>). */
  dial(address: string): Promise<void>;
}
