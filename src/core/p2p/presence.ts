/**
 * Presence over gossipsub: local users' signed announcements are published on the presence topic
 * when they change, when a peer connects and periodically. Each announcement carries its own
 * expiry, so a node that stops announcing (stopped, partitioned) fades to offline elsewhere.
 */
import type { PeerId } from '@libp2p/interface';
import type { CoreLogger } from '../options.js';
import type { Unsubscribe } from '../types.js';
import { decodeSignedPresence, encodeSignedPresence } from '../wire.js';
import type { Host } from './host.js';
import { PRESENCE_TOPIC } from './topics.js';
import type { SyncNode } from './types.js';
import type { Verdict } from './validator.js';

export class PresenceGossip {
  private timer: NodeJS.Timeout | undefined;
  private pendingAnnounce: NodeJS.Timeout | undefined;
  private off: Unsubscribe | undefined;

  constructor(
    private readonly host: Host,
    private readonly node: SyncNode,
    private readonly log: CoreLogger,
    private readonly intervalMs: number,
    private readonly onRejected: (peer: PeerId) => void,
  ) {}

  start(): void {
    const pubsub = this.host.services.pubsub;
    pubsub.topicValidators.set(
      PRESENCE_TOPIC,
      (peer, message) => this.validate(peer, message.data) as never,
    );
    pubsub.subscribe(PRESENCE_TOPIC);
    this.off = this.node.on('presence', (event) => {
      if (event.local) this.announceSoon();
    });
    this.timer = setInterval(() => this.announce(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.off?.();
    if (this.timer) clearInterval(this.timer);
    if (this.pendingAnnounce) clearTimeout(this.pendingAnnounce);
    this.host.services.pubsub.topicValidators.delete(PRESENCE_TOPIC);
    this.host.services.pubsub.unsubscribe(PRESENCE_TOPIC);
  }

  /** Announces shortly (coalescing bursts of changes and of new peers). */
  announceSoon(): void {
    if (this.pendingAnnounce) return;
    this.pendingAnnounce = setTimeout(() => {
      this.pendingAnnounce = undefined;
      this.announce();
    }, 50);
    this.pendingAnnounce.unref();
  }

  private announce(): void {
    const announcements = this.node.presenceAnnouncements?.() ?? [];
    for (const signed of announcements) {
      this.host.services.pubsub
        .publish(PRESENCE_TOPIC, encodeSignedPresence(signed))
        .catch((err: Error) => this.log.debug({ err: err.message }, 'presence: publish failed'));
    }
  }

  private validate(peer: PeerId, data: Uint8Array): Verdict {
    let signed;
    try {
      signed = decodeSignedPresence(data);
    } catch {
      this.onRejected(peer);
      return 'reject';
    }
    if (this.node.ingestPresence(signed)) return 'accept';
    // An expired announcement is stale, not hostile; anything else failed verification.
    if (typeof signed.presence?.expiresAt === 'number' && signed.presence.expiresAt < Date.now()) {
      return 'ignore';
    }
    this.onRejected(peer);
    return 'reject';
  }
}
