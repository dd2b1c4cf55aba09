/**
 * The asking side of the sync protocol: sends the node's frontier, ingests the batches in the
 * order they arrive (granting credit before ingesting, so the server prepares the next batch
 * meanwhile), then fetches whatever held-back entries still wait for.
 */
import type { Address, EntryId } from '../types.js';
import { decodeSealedEnvelope } from '../wire.js';
import { FrameReader, writeFrame } from './codec.js';
import { SyncProtocolError } from './errors.js';
import { RepairList, type IdentifiedEnvelope } from './repair.js';
import { parseAnswer } from './sync-messages.js';
import type { SyncStream } from './sync-server.js';
import type { SyncNode } from './types.js';

/** Counts of one sync exchange. */
export interface SyncOutcome {
  received: number;
  accepted: number;
  duplicates: number;
  pending: number;
  rejected: number;
}

export interface SyncScope {
  readonly channels?: readonly string[];
  readonly authors?: readonly string[];
}

type ClientNode = Pick<SyncNode, 'frontier' | 'ingest' | 'getEntries'>;

/** Batches in flight: one being ingested, one arriving. */
const CREDIT = 2;
/** Rounds of dependency fetching after the main exchange. */
const REPAIR_ROUNDS = 4;

export function emptyOutcome(): SyncOutcome {
  return { received: 0, accepted: 0, duplicates: 0, pending: 0, rejected: 0 };
}

function decodeAll(entries: readonly Uint8Array[]): IdentifiedEnvelope[] {
  return entries.map((bytes) => {
    try {
      const { sealed, contents } = decodeSealedEnvelope(bytes);
      return { id: sealed.id, envelope: { entry: sealed.entry, contents } };
    } catch (cause) {
      throw new SyncProtocolError('peer sent a malformed entry', { cause });
    }
  });
}

/** One client session on one stream. */
export class SyncSession {
  private readonly reader: FrameReader;
  readonly repair = new RepairList();
  readonly outcome = emptyOutcome();

  constructor(
    private readonly stream: SyncStream,
    private readonly node: ClientNode,
  ) {
    this.reader = new FrameReader(stream);
  }

  /** Asks for everything in `scope` beyond the node's frontier and ingests it. */
  async want(scope: SyncScope): Promise<void> {
    const frontier = [...this.node.frontier()];
    await writeFrame(this.stream, { t: 'want', ...scope, frontier, credit: CREDIT });
    for (;;) {
      const answer = parseAnswer(await this.reader.expect());
      if (answer.t === 'done') return;
      if (answer.t !== 'batch') throw new SyncProtocolError(`unexpected ${answer.t} during want`);
      await writeFrame(this.stream, { t: 'credit', n: 1 });
      await this.ingest(decodeAll(answer.entries));
    }
  }

  /** Fetches entries by id (missing causal dependencies). */
  async get(ids: readonly EntryId[]): Promise<void> {
    await writeFrame(this.stream, { t: 'get', ids });
    const answer = parseAnswer(await this.reader.expect());
    if (answer.t !== 'entries') throw new SyncProtocolError(`unexpected ${answer.t} for get`);
    await this.ingest(decodeAll(answer.entries));
  }

  /** Fetches what held-back entries wait for, a bounded number of rounds. */
  async repairPending(): Promise<void> {
    // Each round may reveal the next need (a fetched dependency lacks the start of its
    // author's log), so rounds continue while something is missing, up to a fixed bound.
    for (let round = 0; round < REPAIR_ROUNDS && !this.repair.empty; round += 1) {
      const { ids, authors } = this.repair.take();
      if (ids.length > 0) await this.get(ids);
      if (authors.length > 0) await this.want({ authors: authors as Address[] });
    }
  }

  private async ingest(batch: IdentifiedEnvelope[]): Promise<void> {
    if (batch.length === 0) return;
    // A catch-up: commits gather several batches, so each rewrites fewer index pages per entry.
    const result = await this.node.ingest(
      batch.map((b) => b.envelope),
      { bulk: true },
    );
    this.outcome.received += batch.length;
    this.outcome.accepted += result.accepted;
    this.outcome.duplicates += result.duplicates;
    this.outcome.pending += result.pending;
    this.outcome.rejected += result.rejected.length;
    if (result.pending > 0) this.repair.note(this.node, batch);
  }
}

/** A full exchange: want, then repair, then close. */
export async function runSync(
  stream: SyncStream,
  node: ClientNode,
  scope: SyncScope,
): Promise<SyncOutcome> {
  const session = new SyncSession(stream, node);
  await session.want(scope);
  await session.repairPending();
  await stream.close();
  return session.outcome;
}
