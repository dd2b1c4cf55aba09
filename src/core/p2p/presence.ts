/**
 * Presence over gossipsub. The node signs local users' announcements and renews them before they
 * expire (emitting a local `presence` event with the signed form); this module publishes each on
 * the presence topic, and again to a peer that connects, so a newcomer need not wait for the next
 * renewal. Each announcement carries its own expiry: a node that stops announcing (stopped,
 * partitioned) fades to offline elsewhere.
 */
import { randomBytes } from 'node:crypto';
import type { PeerId } from '@libp2p/interface';
import type { CoreLogger } from '../options.js';
import type { SignedPresence, Unsubscribe } from '../types.js';
import { decodeSignedPresence, encodeSignedPresence } from '../wire.js';
import type { Host } from './host.js';
import { PRESENCE_TOPIC } from './topics.js';
import type { SyncNode } from './types.js';
import type { Verdict } from './validator.js';

export class PresenceGossip {
  /** Latest signed announcement per local user. */
  private readonly latest = new Map<string, SignedPresence>();
  private pendingAnnounce: NodeJS.Timeout | undefined;
  private off: Unsubscribe | undefined;

  constructor(
    private readonly host: Host,
    private readonly node: SyncNode,
    private readonly log: CoreLogger,
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
      if (!event.local || !event.signed) return;
      this.latest.set(event.signed.presence.user, event.signed);
      this.publish(event.signed);
    });
  }

  stop(): void {
    this.off?.();
    if (this.pendingAnnounce) clearTimeout(this.pendingAnnounce);
    this.host.services.pubsub.topicValidators.delete(PRESENCE_TOPIC);
    this.host.services.pubsub.unsubscribe(PRESENCE_TOPIC);
  }

  /** Re-publishes the current announcements shortly (coalescing bursts of new peers). */
  announceSoon(): void {
    if (this.pendingAnnounce) return;
    // After the gossipsub heartbeat that grafts the new peer into the mesh.
    this.pendingAnnounce = setTimeout(() => {
      this.pendingAnnounce = undefined;
      const now = Date.now();
      for (const [user, signed] of this.latest) {
        if (signed.presence.expiresAt <= now) this.latest.delete(user);
        else this.publish(signed);
      }
    }, 1_500);
    this.pendingAnnounce.unref();
  }

  /**
   * Each publish carries a fresh nonce: the same announcement published again (the re-announce
   * to a new peer, or a renewal while the clock stands still) would be the same bytes, hence
   * the same gossipsub message id, and gossipsub drops a seen id without sending it.
   */
  private publish(signed: SignedPresence): void {
    this.host.services.pubsub
      .publish(PRESENCE_TOPIC, encodeSignedPresence(signed, randomBytes(8)))
      .catch((err: Error) => this.log.debug({ err: err.message }, 'presence: publish failed'));
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
    // Stale or superseded announcements are not hostile: drop them without a penalty. (The node
    // does not say why it refused; a forged one is not forwarded either way.)
    return 'ignore';
  }
}
