/**
 * The counts of a history import (runtime/import-writer.ts): what was written, skipped, refused
 * and carried besides messages, and the first failures with their reasons. Kept apart from the
 * writer so every refusal is counted and logged the same way, whichever step refused it.
 */
import type { NetworkName } from '../../mapping/types.js';
import type { AdapterLogger } from '../types.js';
import type { ImportCounts, ImportSummary } from './import-types.js';

/** The summary keeps this many failures: enough to see why, bounded for a huge history. */
const MAX_FAILURES = 100;

export class ImportTally {
  imported = 0;
  skipped = 0;
  other = 0;
  /** The source id of the last message written: the import cursor and the summary's lastId. */
  lastId: string | undefined;
  private failed = 0;
  private readonly failures: { id: string; reason: string }[] = [];

  constructor(
    private readonly logger: AdapterLogger,
    private readonly network: NetworkName,
  ) {}

  /** Counts one event not imported and logs why: nothing is dropped without a trace. */
  fail(id: string, reason: string): void {
    this.failed += 1;
    if (this.failures.length < MAX_FAILURES) this.failures.push({ id, reason });
    this.logger.warn({ network: this.network, id, reason }, 'history event not imported');
  }

  counts(): ImportCounts {
    const { imported, skipped, failed, other } = this;
    return { imported, skipped, failed, other };
  }

  summary(): ImportSummary {
    return {
      ...this.counts(),
      failures: this.failures,
      ...(this.lastId !== undefined && { lastId: this.lastId }),
    };
  }
}
