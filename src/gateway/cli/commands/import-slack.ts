/**
 * `import slack-export EXPORT.zip`: every channel of the export (or those of --channel-map) into
 * its Multichat channel: the one the map names, else the one linked to that Slack channel, else
 * the channel of the same name. Everything is checked before anything is written (the export is
 * a Slack export, every channel resolves, the data dir is free), so bad input imports nothing.
 * Runs with the gateway stopped: the data dir lock (`gateway.pid`) refuses otherwise.
 */
import type { ChannelId, MultichatNode } from '../../../core/types.js';
import type { MappingStore } from '../../../mapping/types.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import { ImportInputError } from '../errors.js';
import { progressFor } from '../progress.js';
import type { CliIo, CommandArgs } from '../types.js';
import { resolveChannels } from './import-channels.js';
import { lockForImport, openImportData } from './import-data.js';
import { prepareReplay, runReplay } from './replay-to.js';

export async function importSlackExport(args: CommandArgs, io: CliIo): Promise<number> {
  const [path] = args.positionals;
  if (path === undefined) return inputError(io, 'give the export: import slack-export EXPORT.zip');
  const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
  const { config } = await loadConfig(configPath, io.env);
  const lock = lockForImport(config.node.dataDir);
  const logger = createLogger({ ...config.log, level: 'warn' });
  // Loaded here so --help never loads the zip reader.
  const { SlackExport, exportFiles } = await import('../../../bridges/slack/export/index.js');
  const { importContext, importHistory } = await import('../../../bridges/runtime/import.js');
  let source;
  try {
    source = await SlackExport.open(path);
  } catch (error) {
    lock.release();
    return inputError(io, (error as Error).message);
  }
  let node: MultichatNode | undefined;
  let store: MappingStore | undefined;
  try {
    ({ node, store } = await openImportData(config, logger));
    const map = typeof args.values['channel-map'] === 'string' ? args.values['channel-map'] : '';
    const plan = await resolveChannels(source.channels, map, node, store);
    const replay = await prepareReplay(
      args,
      store,
      'slack',
      plan.map((p) => p.into),
    );
    const files = exportFiles(
      (config.bridges as Record<string, unknown>).slack,
      config.media as unknown as Record<string, unknown>,
    );
    const total = await source.countMessages(plan.map((p) => p.from));
    const progress = progressFor(io, 'importing', total, process.stderr.isTTY === true);
    const ctx = importContext({ node, store, logger, mediaMaxBytes: config.media.maxBytes });
    const sum = { imported: 0, skipped: 0, failed: 0 };
    const failures: { id: string; reason: string }[] = [];
    for (const { from, into } of plan) {
      const base = sum.imported + sum.skipped + sum.failed;
      const result = await importHistory(ctx, source.history(from, files), {
        network: 'slack' as never,
        channel: into as ChannelId,
        markup: 'slack',
        cursorKey: `slack-export:${from.id}`,
        onProgress: (c) => progress.update(base + c.imported + c.skipped + c.failed),
      });
      sum.imported += result.imported;
      sum.skipped += result.skipped;
      sum.failed += result.failed;
      failures.push(...result.failures.map((f) => ({ ...f, id: `#${from.name} ${f.id}` })));
    }
    progress.stop();
    for (const f of failures.slice(0, 20)) io.err(`failed: ${f.id}: ${f.reason}`);
    io.out(`imported ${sum.imported}, skipped ${sum.skipped}, failed ${sum.failed}`);
    await runReplay(replay, { node, store }, 'slack', io);
    return 0;
  } catch (error) {
    if (error instanceof ImportInputError) return inputError(io, error.message);
    throw error;
  } finally {
    source.close();
    await store?.close().catch(() => undefined);
    await node?.stop().catch(() => undefined);
    lock.release();
  }
}

function inputError(io: CliIo, message: string): number {
  io.err(`multichat import: ${message}`);
  return 2;
}
