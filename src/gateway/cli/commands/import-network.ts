/**
 * `import discord` and `import matrix`: a network's history read page by page (the adapters'
 * backfill readers, oldest first) into one Multichat channel through the runtime's history
 * import, against the data dir of a stopped gateway. Resumable: the import keeps the last message
 * written as a cursor (`import:<key>`) and a re-run starts after it; anything before that was
 * already written is skipped as present anyway, so a run killed at any point loses nothing and
 * doubles nothing. Exit 0 done, 1 refused by the network or the data dir busy, 2 bad input.
 */
import type { ImportEvent } from '../../../bridges/runtime/import.js';
import type {
  AdapterLogger,
  BackfillPage,
  InboundEvent,
  LinkTarget,
} from '../../../bridges/types.js';
import type { Markup } from '../../../bridges/format/index.js';
import type { ChannelId, MultichatNode } from '../../../core/types.js';
import type { MappingStore, NetworkName, TargetKey } from '../../../mapping/types.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import { ImportInputError } from '../errors.js';
import type { CliIo, CommandArgs } from '../types.js';
import { lockForImport, openImportData } from './import-data.js';
import { prepareReplay, runReplay } from './replay-to.js';

const PAGE = 100;

/** A network's history as the import reads it. */
export interface HistorySource {
  page(cursor: string | undefined, limit: number): Promise<BackfillPage>;
  close(): Promise<void>;
}

export interface NetworkImport {
  readonly network: 'discord' | 'matrix';
  readonly markup: Markup;
  /** The source place, in the link target's shape (finds the linked channel). */
  readonly target: LinkTarget;
  /** Names the source in messages and in the resume cursor. */
  readonly key: string;
  open(section: unknown, logger: AdapterLogger): Promise<HistorySource>;
  /** Exit code for an error the source threw (a refusal), or undefined to rethrow it. */
  refusal(error: unknown): 1 | 2 | undefined;
}

export async function runNetworkImport(
  spec: NetworkImport,
  args: CommandArgs,
  io: CliIo,
): Promise<number> {
  const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
  const { config } = await loadConfig(configPath, io.env);
  const section = (config.bridges as Record<string, unknown>)[spec.network];
  if (section === undefined)
    return fail(io, 2, `bridges.${spec.network} is not configured in the gateway's config`);
  const lock = lockForImport(config.node.dataDir);
  const logger = createLogger({ ...config.log, level: 'warn' });
  const { importContext, importHistory } = await import('../../../bridges/runtime/import.js');
  const { targetKeyOf } = await import('../../../mapping/index.js');
  let node: MultichatNode | undefined;
  let store: MappingStore | undefined;
  let source: HistorySource | undefined;
  try {
    ({ node, store } = await openImportData(config, logger));
    const network = spec.network as NetworkName;
    const into = await intoChannel(args, node, store, network, targetKeyOf(network, spec.target));
    const replay = await prepareReplay(args, store, spec.network, [into]);
    source = await spec.open(section, logger.child({ module: spec.network }));
    const cursorKey = `${spec.network}:${spec.key}`;
    const resume = await store.cursors.get(network, `import:${cursorKey}`);
    if (resume !== undefined) io.err(`resuming ${spec.key} after ${resume}`);
    // Discord and Matrix do not say how many messages a channel holds: no total, no ETA.
    const started = Date.now();
    const progress = (done: number) =>
      io.err(
        `importing: ${done} messages (${Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))} msg/s)`,
      );
    const notCarried = { count: 0 };
    const result = await importHistory(
      importContext({ node, store, logger, mediaMaxBytes: config.media.maxBytes }),
      pages(source, resume, notCarried),
      {
        network,
        channel: into,
        markup: spec.markup,
        cursorKey,
        batchSize: PAGE,
        onProgress: (c) => progress(c.imported + c.skipped + c.failed),
      },
    );
    for (const f of result.failures.slice(0, 20)) io.err(`failed: ${f.id}: ${f.reason}`);
    if (notCarried.count > 0)
      io.err(`${notCarried.count} edits or deletes of messages of earlier pages not carried`);
    io.out(`imported ${result.imported}, skipped ${result.skipped}, failed ${result.failed}`);
    await runReplay(replay, { node, store }, spec.network, io);
    return 0;
  } catch (error) {
    if (error instanceof ImportInputError) return fail(io, 2, error.message);
    const code = spec.refusal(error);
    if (code !== undefined) return fail(io, code, (error as Error).message);
    throw error;
  } finally {
    await source?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await node?.stop().catch(() => undefined);
    lock.release();
  }
}

/** --into names the channel; else the channel linked to the source. */
async function intoChannel(
  args: CommandArgs,
  node: MultichatNode,
  store: MappingStore,
  network: NetworkName,
  targetKey: TargetKey,
): Promise<ChannelId> {
  const into = args.values.into;
  if (typeof into === 'string') {
    const name = into.replace(/^#/, '');
    const found = node.getChannel(name as ChannelId)?.id ?? node.findChannelByName(name)?.id;
    if (!found) throw new ImportInputError(`channel "${into}" does not exist on this node`);
    return found;
  }
  const link = await store.links.findByTarget(network, targetKey);
  if (!link) {
    throw new ImportInputError(
      `no Multichat channel is linked to it: give --into CHANNEL or link it first`,
    );
  }
  return link.channel;
}

type Importable = ImportEvent['event'];
const importable = (e: InboundEvent): e is Importable =>
  e.kind === 'message' || e.kind === 'reaction' || e.kind === 'join' || e.kind === 'topic';

/**
 * The source's pages as import events, oldest first. Edits and deletes in a page are folded
 * into the messages of that page (the final text; a deleted message is not imported); those of
 * messages of earlier pages are counted as not carried. Our own messages are left out.
 */
async function* pages(
  source: HistorySource,
  start: string | undefined,
  notCarried: { count: number },
): AsyncGenerator<ImportEvent> {
  let cursor = start;
  for (;;) {
    const page = await source.page(cursor, PAGE);
    const items: { at: number; event: Importable }[] = [];
    const byId = new Map<string, number>();
    page.events.forEach((event, i) => {
      const at = page.times?.[i] ?? Date.now();
      if ('self' in event && event.self) return;
      if (event.kind === 'edit' || event.kind === 'delete') {
        const index = byId.get(event.externalId);
        const item = index === undefined ? undefined : items[index];
        if (!item || item.event.kind !== 'message') return void notCarried.count++;
        if (event.kind === 'edit') item.event = { ...item.event, text: event.text };
        else items[index as number] = { at: item.at, event: { ...item.event, text: '' } };
        return;
      }
      if (!importable(event)) return;
      if (event.kind === 'message') byId.set(event.externalId, items.length);
      items.push({ at, event });
    });
    for (const item of items) {
      // A message deleted within the page is left out (empty text, no files).
      if (
        item.event.kind === 'message' &&
        item.event.text === '' &&
        !item.event.attachments?.length
      )
        continue;
      yield item;
    }
    if (!page.cursor || page.events.length === 0) return;
    cursor = page.cursor;
  }
}

function fail(io: CliIo, code: 1 | 2, message: string): number {
  io.err(`multichat import: ${message}`);
  return code;
}
