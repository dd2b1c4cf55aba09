/**
 * The crash window between the core's commit and the mapping write (inbound-message.ts), closed
 * on the re-read side. A kill there leaves an inbound message in the core with no mapping; the
 * restart's backfill reads it from the network again, finds no mapping and, without this, stores
 * it a second time (kill-discord-slack saw it in 1 of 3 runs).
 *
 * The core keeps every bridged message's origin (network and `targetKey#externalId`). Before a
 * backfilled message is submitted, the newest messages of its channel are searched for that
 * origin; a hit gets its mapping written instead of a second copy. Only the channel's tail is
 * searched: the inbound path handles one event per target at a time, so the window holds at most
 * the newest message of each target, and a backfill reads the channel only after what it last
 * mapped. The tail is read once per channel (the first backfilled message after the start) and
 * only the origins of the asking target are kept, a few per target.
 */
import type { ChannelId, MessageId, MultichatNode } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';
import { encodeMessageOrigin } from './plan.js';

/** Messages of the channel read for origins: well past one per linked target. */
const TAIL_MESSAGES = 200;
/** Origins kept per target: the window holds one. */
const KEPT_PER_TARGET = 16;

export class UnmappedTail {
  private readonly tails = new Map<string, Map<string, MessageId>>();

  constructor(private readonly node: MultichatNode) {}

  /** The stored message that came from `externalId` on this target, if it is in the tail. */
  find(
    channel: ChannelId,
    network: string,
    targetKey: TargetKey,
    externalId: string,
  ): MessageId | undefined {
    const key = `${channel}\u0000${network}\u0000${targetKey}`;
    let tail = this.tails.get(key);
    if (!tail) {
      tail = this.read(channel, network, targetKey);
      this.tails.set(key, tail);
    }
    const origin = encodeMessageOrigin(targetKey, externalId);
    const found = tail.get(origin);
    // A hit is mapped now; it is never asked for again.
    if (found) tail.delete(origin);
    return found;
  }

  private read(channel: ChannelId, network: string, targetKey: TargetKey): Map<string, MessageId> {
    const prefix = encodeMessageOrigin(targetKey, '');
    const tail = new Map<string, MessageId>();
    const newestFirst = this.node.listMessages(channel, { limit: TAIL_MESSAGES }).reverse();
    for (const message of newestFirst) {
      const origin = message.origin;
      if (origin?.network !== network || !origin.externalId.startsWith(prefix)) continue;
      tail.set(origin.externalId, message.id);
      if (tail.size >= KEPT_PER_TARGET) break;
    }
    return tail;
  }
}
