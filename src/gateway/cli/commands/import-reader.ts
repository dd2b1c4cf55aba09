/**
 * `import discord` and `import matrix` read one place each with their network's history reader;
 * this turns such a reader into the NetworkImport that commands/import-network.ts runs.
 */
import type { AdapterLogger, BackfillPage, LinkTarget } from '../../../bridges/types.js';
import type { Markup } from '../../../bridges/format/index.js';
import type { NetworkImport } from './import-network.js';

/** A network's history reader (bridges/<network>/history.ts), as both readers are shaped. */
export interface HistoryReader<T extends LinkTarget> {
  page(target: T, cursor: string | undefined, limit: number): Promise<BackfillPage>;
  close(): Promise<void>;
}

/**
 * The NetworkImport of one place read by the network's history reader. A refusal is the
 * reader's `accessError` (an Error of that name with the HTTP status): 404 means the place does
 * not exist (exit 2), anything else that the bot may not read it (exit 1).
 */
export function readerImport<T extends LinkTarget>(spec: {
  readonly network: NetworkImport['network'];
  readonly markup: Markup;
  readonly target: T;
  readonly key: string;
  readonly accessError: string;
  open(section: unknown, logger: AdapterLogger): Promise<HistoryReader<T>>;
}): NetworkImport {
  return {
    network: spec.network,
    markup: spec.markup,
    target: spec.target,
    key: spec.key,
    async open(section, logger) {
      const history = await spec.open(section, logger);
      return {
        page: (cursor, limit) => history.page(spec.target, cursor, limit),
        close: () => history.close(),
      };
    },
    refusal: (error) =>
      error instanceof Error && error.name === spec.accessError
        ? (error as Error & { status: number }).status === 404
          ? 2
          : 1
        : undefined,
  };
}
