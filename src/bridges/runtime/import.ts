/**
 * History import: events a network kept (a Slack export, Discord or Matrix history) written into
 * a Multichat channel as imported history. Each event goes the way a live one would (the same
 * bridged profiles, membership, text conversion, files stored as blobs, the message mapping),
 * with two differences: a message is marked `origin.imported` and keeps its original time as
 * createdAt (docs/protocol.md, "Imported history"), and the fan-out never re-posts it.
 *
 * Idempotent: a source id already in the mapping store, or already the origin of an imported
 * message of the channel (a run killed between the core write and the mapping), is skipped.
 * Events go in the order given, which must be the original order (oldest first).
 */
import type { RuntimeContext } from './context.js';
import type { ImportEvent, ImportOptions, ImportSummary } from './import-types.js';
import { HistoryWriter } from './import-writer.js';

export type { ImportCounts, ImportEvent, ImportOptions, ImportSummary } from './import-types.js';

/**
 * Writes `events` (oldest first) into `options.channel`. `ctx` is the running bridge runtime's
 * context, or one built by `importContext` for an offline import (gateway stopped).
 */
export async function importHistory(
  ctx: RuntimeContext,
  events: AsyncIterable<ImportEvent> | Iterable<ImportEvent>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const writer = new HistoryWriter(ctx, options);
  await writer.start();
  for await (const item of events) await writer.write(item);
  return writer.finish();
}

export { importContext, type ImportContextDeps } from './import-context.js';
