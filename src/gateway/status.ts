/**
 * What the gateway's status, readiness and dashboard show about parts started by other modules.
 * The P2P host and the bridge runtime register themselves here once they run; until then the
 * gateway reports no peer id, zero peers and no bridges.
 */

/** Health of one bridge adapter (DESIGN §5: connected / reconnecting / failed). */
export interface BridgeHealth {
  readonly state: 'starting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';
  readonly detail?: string;
}

/** Implemented by the P2P host. */
export interface P2PStatusProvider {
  peerId(): string;
  /** Ids of the peers currently connected. */
  peers(): readonly string[];
  /** Multiaddrs the host listens on (with /p2p/<peerId>). */
  addresses?(): readonly string[];
  /** Sync progress (counts and the last sync per peer), shown as-is by the status route. */
  syncState?(): unknown;
  /** Fetches a channel this node has never seen from its peers (a join by id). */
  fetchChannel?(channel: string): Promise<void>;
}

/** Implemented by the bridge runtime: one entry per configured network. */
export interface BridgeStatusProvider {
  health(): Readonly<Record<string, BridgeHealth>>;
  /** Files not carried as files, by network, direction and reason (shown by /metrics). */
  mediaFailures?(): readonly MediaFailure[];
  /** Events not carried, by network, kind and reason (shown by /metrics). */
  dropped?(): readonly DroppedEvents[];
  /** Encrypted events not decryptable on arrival, per network that decrypts (shown by /metrics). */
  undecryptable?(): readonly UndecryptableEvents[];
  /** Ids of the channels with at least one link (shown as `bridged` on channels). */
  linkedChannels?(): Promise<ReadonlySet<string>>;
  /** Undelivered deliveries per link and state (the `multichat_outbox` gauge). */
  outbox?(): Promise<readonly OutboxCount[]>;
  /** Settled deliveries as they happen (the delivery latency histogram). */
  onDelivered?(listener: (settled: DeliverySettled) => void): () => void;
}

/** Undelivered deliveries of one link in one state. */
export interface OutboxCount {
  readonly network: string;
  readonly state: string;
  readonly count: number;
}

/** One delivery sent or given up on, and how long after its enqueue. */
export interface DeliverySettled {
  readonly network: string;
  readonly outcome: 'sent' | 'dead';
  readonly latencyMs: number;
}

/** One non-zero count of the bridge runtime's events not carried (bounded labels). */
export interface DroppedEvents {
  readonly network: string;
  readonly kind: string;
  readonly reason: string;
  readonly count: number;
}

/** One network's encrypted events not decryptable on arrival (`BridgeAdapter.undecryptable`). */
export interface UndecryptableEvents {
  readonly network: string;
  readonly seen: number;
  readonly decryptedLater: number;
  readonly givenUp: number;
  readonly waiting: number;
  readonly reshareAsked?: number;
  readonly reshareNotPossible?: number;
}

/** One non-zero count of the bridge runtime's media failures. */
export interface MediaFailure {
  readonly network: string;
  readonly direction: string;
  readonly reason: string;
  readonly count: number;
}

/** Mutable slots: the gateway fills them as the parts start, the HTTP routes read them. */
export interface StatusProviders {
  p2p?: P2PStatusProvider;
  bridges?: BridgeStatusProvider;
  /** True while the gateway's P2P host is still starting (HTTP listens first): /readyz is 503. */
  p2pStarting?: boolean;
}

/** Ids of the linked channels; empty when no bridge runtime is registered. */
export async function linkedChannels(status: StatusProviders): Promise<ReadonlySet<string>> {
  return (await status.bridges?.linkedChannels?.()) ?? new Set();
}

/** Every configured bridge's health; empty when no bridge runtime is registered. */
export function bridgeHealth(status: StatusProviders): Readonly<Record<string, BridgeHealth>> {
  return status.bridges?.health() ?? {};
}
