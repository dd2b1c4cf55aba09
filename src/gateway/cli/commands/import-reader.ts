/**
 * `import discord` and `import matrix` read one place each with their network's history reader
 * (bridges/<network>/history.ts); this turns that reader into the NetworkImport that
 * commands/import-network.ts runs.
 */
import type { AdapterLogger, BackfillPage, LinkTarget } from '../../../bridges/types.js';
import type { Markup } from '../../../bridges/format/index.js';
import type { NetworkImport } from './import-network.js';

/** A network's history reader, as both readers are shaped. */
interface HistoryReader {
  page(target: LinkTarget, cursor: string | undefined, limit: number): Promise<BackfillPage>;
  close(): Promise<void>;
}

interface ReaderSpec {
  readonly markup: Markup;
  /** The name of the Error (with the HTTP status) the reader throws when refused. */
  readonly accessError: string;
  /** Loaded on use, so --help never loads a network's client. */
  open(section: unknown, logger: AdapterLogger): Promise<HistoryReader>;
}

const READERS: Record<NetworkImport['network'], ReaderSpec> = {
  discord: {
    markup: 'discord',
    accessError: 'DiscordHistoryAccessError',
    async open(section, logger) {
      const { openDiscordHistory } = await import('../../../bridges/discord/history.js');
      return openDiscordHistory(section, logger);
    },
  },
  matrix: {
    markup: 'matrix-html',
    accessError: 'MatrixHistoryAccessError',
    async open(section, logger) {
      const { openMatrixHistory } = await import('../../../bridges/matrix/history.js');
      return openMatrixHistory(section, logger);
    },
  },
};

/**
 * The NetworkImport of one place (`target`, named `key`) of `network`. A refusal of the reader
 * with 404 means the place does not exist (exit 2); any other, that the bot may not read it
 * (exit 1).
 */
export function readerImport(
  network: NetworkImport['network'],
  target: LinkTarget,
  key: string,
): NetworkImport {
  const reader = READERS[network];
  return {
    network,
    markup: reader.markup,
    target,
    key,
    async open(section, logger) {
      const history = await reader.open(section, logger);
      return {
        page: (cursor, limit) => history.page(target, cursor, limit),
        close: () => history.close(),
      };
    },
    refusal: (error) =>
      error instanceof Error && error.name === reader.accessError
        ? (error as Error & { status: number }).status === 404
          ? 2
          : 1
        : undefined,
  };
}
