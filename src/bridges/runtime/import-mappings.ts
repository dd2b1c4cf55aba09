/**
 * The mapping side of a history import (runtime/import-writer.ts): writing a batch's mappings
 * once the core committed its messages, and, before a run, mapping what a killed run left
 * unmapped. Nothing here keeps per-message state across batches, so memory does not grow with
 * the size of the history: the mapping store is what says which source ids are present.
 */
import type { ChannelId, MessageId } from '../../core/types.js';
import type {
  ExternalMessageId,
  MessageMapping,
  MessageMappingInput,
  NetworkName,
  TargetKey,
} from '../../mapping/types.js';
import { describe } from '../errors.js';
import type { LinkTarget } from '../types.js';
import type { RuntimeContext } from './context.js';
import type { ImportEvent } from './import-types.js';
import { encodeMessageOrigin } from './plan.js';

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

/** Per target key, the source ids the chunk's events name (for lookupChunk). */
export function idsNamed(
  chunk: readonly ImportEvent[],
  keyOf: (target: LinkTarget) => TargetKey,
): Map<TargetKey, ExternalMessageId[]> {
  const ids = new Map<TargetKey, ExternalMessageId[]>();
  const want = (target: LinkTarget, id: ExternalMessageId | undefined) => {
    if (id === undefined) return;
    const key = keyOf(target);
    (ids.get(key) ?? ids.set(key, []).get(key)!).push(id);
  };
  for (const { event } of chunk) {
    if (event.kind === 'message') {
      want(event.target, event.externalId);
      want(event.target, event.replyTo);
      want(event.target, event.threadRoot);
    } else if (event.kind === 'reaction') want(event.target, event.externalId);
  }
  return ids;
}

/**
 * The stored mappings of every source id a chunk of events names (a message's own id, its reply
 * and thread root, a reaction's message), keyed by origin (`<targetKey>#<id>`): one query per
 * target per chunk instead of one per id. `ids` holds, per target key, the ids to read.
 */
export async function lookupChunk(
  ctx: RuntimeContext,
  network: NetworkName,
  ids: ReadonlyMap<TargetKey, readonly ExternalMessageId[]>,
): Promise<Map<string, MessageMapping>> {
  const known = new Map<string, MessageMapping>();
  for (const [targetKey, list] of ids) {
    const found = await ctx.store.messages.getManyByExternal(network, targetKey, list);
    for (const [id, mapping] of found) known.set(encodeMessageOrigin(targetKey, id), mapping);
  }
  return known;
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
    const candidates: MessageMappingInput[] = [];
    const ids = new Map<TargetKey, ExternalMessageId[]>();
    for (const message of page) {
      const origin = message.origin;
      if (origin?.network !== network) continue;
      // `<targetKey>#<externalId>`; target keys percent-encode `#` (runtime/plan.ts).
      const cut = origin.externalId.indexOf('#');
      if (cut <= 0) continue;
      const targetKey = origin.externalId.slice(0, cut) as TargetKey;
      const externalId = origin.externalId.slice(cut + 1) as ExternalMessageId;
      (ids.get(targetKey) ?? ids.set(targetKey, []).get(targetKey)!).push(externalId);
      candidates.push({
        network,
        targetKey,
        externalId,
        messageId: message.id,
        channel,
        direction: 'inbound',
      });
    }
    // One read per target for the page, not one per message (a re-run scans every message).
    const known = await lookupChunk(ctx, network, ids);
    const missing = candidates.filter(
      (c) => !known.has(encodeMessageOrigin(c.targetKey, c.externalId)),
    );
    await putMappings(ctx, missing);
    mapped += missing.length;
    if (page.length < SCAN_PAGE) return mapped;
    before = page[0]!.id;
  }
}
