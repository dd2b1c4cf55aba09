/**
 * The reactions of a replayed message (runtime/replay.ts): each person's reaction becomes an
 * ordinary `react` delivery queued right after the message's `send`, so it goes out once the
 * copy exists on the target (a target's deliveries go out in order), as a live reaction would:
 * natively where the network takes reactions, as a line where the adapter writes them so (IRC),
 * and where the adapter cannot carry them at all the delivery is refused and counted as a failed
 * `react` drop (docs/import.md, "Replaying to a network"). Edits are not replayed: a message
 * is posted with its final text.
 */
import type { MessageId, MessageView } from '../../core/types.js';
import type { DeliveryInput, Link, MappingStore } from '../../mapping/types.js';
import type { PlannedAction } from './plan.js';

/** The outbox key of a replayed reaction: stable, so a re-run finds it. */
export const replayReactionKey = (
  message: MessageId,
  user: string,
  emoji: string,
  link: Link,
): string => `replay-react:${message}:${user}:${emoji}@${link.id}`;

/**
 * The deliveries for the reactions of `message` at `link` that are not queued yet, in a stable
 * order (emoji as the core lists them, then people in the order they reacted).
 */
export async function reactionDeliveries(
  store: MappingStore,
  message: MessageView,
  link: Link,
): Promise<DeliveryInput[]> {
  const out: DeliveryInput[] = [];
  for (const [emoji, users] of Object.entries(message.reactions)) {
    for (const user of users) {
      const key = replayReactionKey(message.id, user, emoji, link);
      if (await store.outbox.getByKey(key)) continue;
      const action: PlannedAction = { kind: 'react', message: message.id, user, emoji };
      out.push({
        idempotencyKey: key,
        linkId: link.id,
        network: link.network,
        targetKey: link.targetKey,
        channel: message.channel,
        action,
      });
    }
  }
  return out;
}
