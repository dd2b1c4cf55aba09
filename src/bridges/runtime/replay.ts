/**
 * `multichat import … --replay-to NETWORK`: imported history is posted to the channel's links on
 * NETWORK after all, on purpose (the fan-out never does it: it would flood them). Each imported
 * message becomes an ordinary outbox delivery (`send` marked `replay`), so it is durable, goes out
 * in the channel's order at the pace of the adapter's rate limiter once the gateway runs, and
 * carries its original date in the text (`[2024-03-01 14:02] `, UTC; runtime/outbound.ts).
 * Its reactions follow it, one `react` delivery per person and emoji (./replay-reactions.ts).
 *
 * Idempotent through the mapping store: a message that already has a copy on the target (the
 * replay was delivered, or it came from there) or a delivery under its replay key (queued, sent
 * or dead) is not queued again, so a re-run posts nothing; so is a reaction under its key.
 */
import type { ChannelId, MessageId, MessageView, MultichatNode } from '../../core/types.js';
import type { DeliveryInput, Link, MappingStore, NetworkName } from '../../mapping/types.js';
import { ReplayTargetError } from './replay-errors.js';
import { reactionDeliveries } from './replay-reactions.js';
import type { PlannedAction } from './plan.js';

const PAGE = 500;
const BATCH = 200;

export interface ReplayPlan {
  readonly channel: ChannelId;
  /** The links of `channel` on the replay network. */
  readonly links: readonly Link[];
}

export interface ReplaySummary {
  /** Deliveries queued by this run (one per message and link). */
  readonly queued: number;
  /** Messages × links replayed (or present there) before. */
  readonly already: number;
  /** Reaction deliveries (one per person, emoji and link) queued by this run. */
  readonly reactions: number;
}

/**
 * Checks before anything is imported that each channel is linked to `network` and that the
 * history does not come from it (replaying a network's history to itself would double it).
 * @throws ReplayTargetError naming the channel or network.
 */
export async function planReplay(
  store: MappingStore,
  network: string,
  source: string,
  channels: readonly ChannelId[],
): Promise<ReplayPlan[]> {
  if (network === source) throw new ReplayTargetError(network, undefined, 'source');
  const plans: ReplayPlan[] = [];
  for (const channel of new Set(channels)) {
    const links = (await store.links.listByChannel(channel)).filter((l) => l.network === network);
    if (links.length === 0) throw new ReplayTargetError(network, channel, 'unlinked');
    plans.push({ channel, links });
  }
  return plans;
}

/** The outbox key of a replayed message at a link: stable, so a re-run finds it. */
export const replayKey = (message: MessageId, link: Link): string => `replay:${message}@${link.id}`;

/** `[2024-03-01 14:02] `: the original date (UTC) a replayed message's text starts with. */
export function replayPrefix(message: Pick<MessageView, 'createdAt'>): string {
  const at = new Date(message.createdAt).toISOString();
  return `[${at.slice(0, 10)} ${at.slice(11, 16)}] `;
}

/**
 * Queues the imported messages of `plan.channel` that came from `source`, oldest first, for
 * each link of the plan.
 */
export async function replayHistory(
  deps: { readonly node: MultichatNode; readonly store: MappingStore },
  plan: ReplayPlan,
  source: NetworkName,
): Promise<ReplaySummary> {
  const { store } = deps;
  let queued = 0;
  let already = 0;
  let reactions = 0;
  let batch: DeliveryInput[] = [];
  const flush = async () => {
    if (batch.length > 0) await store.outbox.enqueue(batch);
    batch = [];
  };
  for (const message of importedMessages(deps.node, plan.channel, source)) {
    for (const link of plan.links) {
      const key = replayKey(message.id, link);
      const target = { network: link.network, targetKey: link.targetKey };
      const replayed = (await store.outbox.getByKey(key)) !== undefined;
      if (replayed || (await store.messages.listByMessage(message.id, target)).length > 0) {
        already += 1;
        // A copy that did not come from a replay carried its reactions its own way.
        if (!replayed) continue;
      } else {
        const action: PlannedAction = { kind: 'send', message: message.id, replay: true };
        batch.push({
          idempotencyKey: key,
          linkId: link.id,
          ...target,
          channel: plan.channel,
          action,
        });
        queued += 1;
      }
      // Queued after the send (in the same or a later batch), so they go out after it.
      const reacts = await reactionDeliveries(store, message, link);
      batch.push(...reacts);
      reactions += reacts.length;
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  return { queued, already, reactions };
}

/** The channel's imported messages from `source` that still have content, oldest first. */
function* importedMessages(
  node: MultichatNode,
  channel: ChannelId,
  source: NetworkName,
): Generator<MessageView> {
  // Without an anchor the newest page comes first: collect the ids back to the start.
  const ids: MessageId[] = [];
  let before: MessageId | undefined;
  for (;;) {
    const page = node.listMessages(channel, { limit: PAGE, ...(before && { before }) });
    for (let i = page.length - 1; i >= 0; i--) {
      const m = page[i] as MessageView;
      if (m.origin?.imported && m.origin.network === source && !m.deleted && m.text !== null)
        ids.push(m.id);
    }
    if (page.length < PAGE) break;
    before = page[0]?.id;
  }
  for (let i = ids.length - 1; i >= 0; i--) {
    const message = node.getMessage(ids[i] as MessageId);
    if (message) yield message;
  }
}
