/**
 * Keeps the node connected: peers found by discovery (mDNS) are dialled, and bootstrap peers and
 * peers known to speak our sync protocol are redialled while unconnected (libp2p's bootstrap module dials only once, and a restarted peer
 * or a healed partition must be found again), with a per-peer exponential backoff. Peers put on
 * the deny list are hung up on at once.
 */
import type { PeerId } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { CoreLogger } from '../options.js';
import type { Host } from './host.js';
import { SYNC_PROTOCOL } from './sync-messages.js';

const MAX_BACKOFF_MS = 60_000;
const MAX_DIALS_PER_ROUND = 16;

export class ConnectionKeeper {
  private timer: NodeJS.Timeout | undefined;
  private readonly bootstrap: Multiaddr[];
  private readonly failures = new Map<string, { count: number; next: number }>();
  private running = false;

  constructor(
    private readonly host: Host,
    bootstrap: readonly string[],
    private readonly intervalMs: number,
    private readonly isDenied: (peer: string) => boolean,
    private readonly log: CoreLogger,
  ) {
    this.bootstrap = bootstrap.map((a) => multiaddr(a));
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.round(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A discovery service (mDNS, bootstrap) found a peer: libp2p does not dial it by itself. */
  discovered(peer: PeerId, addresses: readonly Multiaddr[]): void {
    const id = peer.toString();
    if (id === this.host.peerId.toString() || this.isDenied(id)) return;
    if (this.host.getPeers().some((p) => p.equals(peer))) return;
    const failure = this.failures.get(id);
    if (failure && failure.next > Date.now()) return;
    void this.dial(id, addresses.length > 0 ? [...addresses] : peer);
  }

  /** Forgets dial failures (after the deny list changed, old refusals say nothing). */
  resetBackoff(): void {
    this.failures.clear();
  }

  /** Hangs up on every connected peer that is now denied. */
  async enforceDenied(): Promise<void> {
    for (const peer of this.host.getPeers()) {
      if (this.isDenied(peer.toString())) await this.host.hangUp(peer).catch(() => {});
    }
  }

  /** One redial round; rounds never overlap. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const connected = new Set(this.host.getPeers().map((p) => p.toString()));
      const targets = new Map<string, PeerId | Multiaddr>();
      for (const address of this.bootstrap) {
        const id = address.getComponents().findLast((c) => c.name === 'p2p')?.value;
        if (id) targets.set(id, address);
      }
      const known = await this.host.peerStore.all({
        filters: [(peer) => peer.protocols.includes(SYNC_PROTOCOL)],
      });
      for (const peer of known) {
        const id = peer.id.toString();
        if (!targets.has(id)) targets.set(id, peer.id);
      }
      const now = Date.now();
      const dials: Promise<void>[] = [];
      for (const [id, target] of targets) {
        if (dials.length >= MAX_DIALS_PER_ROUND) break;
        if (connected.has(id) || id === this.host.peerId.toString() || this.isDenied(id)) continue;
        const failure = this.failures.get(id);
        if (failure && failure.next > now) continue;
        dials.push(this.dial(id, target));
      }
      await Promise.all(dials);
    } finally {
      this.running = false;
    }
  }

  private async dial(id: string, target: PeerId | Multiaddr | Multiaddr[]): Promise<void> {
    try {
      await this.host.dial(target, { signal: AbortSignal.timeout(5_000) });
      this.failures.delete(id);
    } catch (err) {
      const count = (this.failures.get(id)?.count ?? 0) + 1;
      const delay = Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** (count - 1));
      this.failures.set(id, { count, next: Date.now() + delay });
      this.log.debug({ peer: id, err: (err as Error).message }, 'p2p: redial failed');
    }
  }
}
