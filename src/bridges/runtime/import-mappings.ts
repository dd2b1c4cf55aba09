/**
 * The mapping side of a history import (runtime/import-writer.ts): writing a batch's mappings
 * once the core committed its messages, and, before a run, mapping what a killed run left
 * unmapped. Nothing here keeps per-message state across batches, so memory does not grow with
 * the size of the history: the mapping store is what says which source ids are present.
 */
import type { ChannelId, MessageId } from '../../core/types.js';
import type {
  ExternalMessageId,
  MessageMappingInput,
  NetworkName,
  TargetKey,
} from '../../mapping/types.js';
import { describe } from '../errors.js';
import type { RuntimeContext } from './context.js';

const SCAN_PAGE = 500;

/**
 * Records `batch` (messages the core has committed) in one transaction. A mapping the store
 * refuses is logged: the message is written, and the next run's `mapUnmapped` finds it again
 * by its origin (and logs it again).
 */
export async function putMappings(
  ctx: RuntimeContext,
  batch: readonly MessageMappingInput[],
): Promise<void> {
  for (const conflict of await ctx.store.messages.putMany(batch)) {
    ctx.logger.warn(
      { network: conflict.network, id: conflict.externalId, err: describe(conflict) },
      'imported message not mapped',
    );
  }
}

/**
 * Maps every message of `channel` that came from `network` and has no mapping: a run killed
 * after the core committed a batch and before its mappings were written. Reads the channel a
 * page at a time (newest first); returns how many were mapped.
 */
export async function mapUnmapped(
  ctx: RuntimeContext,
  network: NetworkName,
  channel: ChannelId,
): Promise<number> {
  let before: MessageId | undefined;
  let mapped = 0;
  for (;;) {
    const page = ctx.node.listMessages(channel, {
      limit: SCAN_PAGE,
      ...(before !== undefined && { before }),
    });
    const missing: MessageMappingInput[] = [];
    for (const message of page) {
      const origin = message.origin;
      if (origin?.network !== network) continue;
      // `<targetKey>#<externalId>`; target keys percent-encode `#` (runtime/plan.ts).
      const cut = origin.externalId.indexOf('#');
      if (cut <= 0) continue;
      const targetKey = origin.externalId.slice(0, cut) as TargetKey;
      const externalId = origin.externalId.slice(cut + 1) as ExternalMessageId;
      if (await ctx.store.messages.getByExternal(network, targetKey, externalId)) continue;
      missing.push({
        network,
        targetKey,
        externalId,
        messageId: message.id,
        channel,
        direction: 'inbound',
      });
    }
    await putMappings(ctx, missing);
    mapped += missing.length;
    if (page.length < SCAN_PAGE) return mapped;
    before = page[0]!.id;
  }
}
