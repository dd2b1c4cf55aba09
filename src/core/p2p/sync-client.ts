/**
 * The asking side of the sync protocol: sends the node's frontier, ingests the batches in the
 * order they arrive (granting credit before ingesting, so the server prepares the next batch
 * meanwhile), then fetches whatever held-back entries still wait for.
 */
import type { Address, ChannelId, EntryId } from '../types.js';
import { decodeSealedEnvelope } from '../wire.js';
import { lacksContent, type HostedChannels } from './channel-access.js';
import { FrameReader, writeFrame } from './codec.js';
import { MalformedEntryError, SyncProtocolError } from './errors.js';
import { RepairList, type IdentifiedEnvelope } from './repair.js';
import { isPeerFault } from './peer-fault.js';
import { MAX_GET_IDS, parseAnswer } from './sync-messages.js';
import type { SyncStream } from './sync-server.js';
import type { StreamPeers } from './stream-access.js';
import type { SyncNode } from './types.js';

/** Counts of one sync exchange. */
export interface SyncOutcome {
  received: number;
  accepted: number;
  duplicates: number;
  pending: number;
  rejected: number;
  /** Refused entries that only a broken or hostile sender sends (peer-fault.ts). */
  invalid: number;
}

export interface SyncScope {
  readonly channels?: readonly string[];
  readonly authors?: readonly string[];
}

type ClientNode = Pick<SyncNode, 'frontier' | 'ingest' | 'getEntries'> &
  Partial<Pick<SyncNode, 'signMembershipChallenge'>>;

/** What a client needs to prove it hosts members of private channels, and to use the proof. */
export interface ClientAccess {
  readonly peers: StreamPeers;
  readonly hosted: HostedChannels;
  /** Entries stored here without their content (gossip from a non-member relay), by channel. */
  readonly contentless?: ReadonlyMap<EntryId, ChannelId>;
}

/** Most entries noted as stored without content in one exchange. */
const MAX_CONTENTLESS = 4 * MAX_GET_IDS;

/** Batches in flight: one being ingested, one arriving. */
const CREDIT = 2;
/**
 * Most entries decoded and applied at once. Half the sync server's batch: on the 100k catch-up
 * (bench/catchup.ts) the receiver's peak RSS was 244-245 MB with batches of 512 against
 * 252-257 with 1,024 (CPU per entry the same within the noise of the loaded machine).
 */
export const INGEST_SLICE = 512;
/** Rounds of dependency fetching after the main exchange. */
const REPAIR_ROUNDS = 4;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function emptyOutcome(): SyncOutcome {
  return { received: 0, accepted: 0, duplicates: 0, pending: 0, rejected: 0, invalid: 0 };
}

function decodeAll(entries: readonly Uint8Array[]): IdentifiedEnvelope[] {
  return entries.map((bytes) => {
    try {
      const { sealed, contents } = decodeSealedEnvelope(bytes);
      return { id: sealed.id, envelope: { entry: sealed.entry, contents } };
    } catch (cause) {
      throw new MalformedEntryError(`peer sent a malformed entry: ${(cause as Error).message}`, {
        cause,
      });
    }
  });
}

/** One client session on one stream. */
export class SyncSession {
  private readonly reader: FrameReader;
  readonly repair = new RepairList();
  readonly outcome = emptyOutcome();
  /** Entries of a channel received without the content they point to. */
  readonly contentless = new Map<EntryId, ChannelId>();
  /** Keys the server accepted on this stream. */
  proven: readonly string[] = [];

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
      // Decoded and applied a slice at a time, and a bulk commit the store scheduled meanwhile
      // runs before the next slice is decoded: each entry of the open transaction stays decoded
      // in memory until it commits, so at most the store's bound plus one slice are, whatever
      // the peer's batch size. Without the turn, slices and frames already buffered would all
      // be applied before the commit could run (reading them takes no turn of the event loop).
      const { entries } = answer;
      for (let at = 0; at < entries.length; at += INGEST_SLICE) {
        await this.ingest(decodeAll(entries.slice(at, at + INGEST_SLICE)));
        await nextTurn();
      }
    }
  }

  /** Fetches entries by id (missing causal dependencies, or content) and ingests them. */
  async get(ids: readonly EntryId[]): Promise<void> {
    await this.ingest(await this.fetch(ids));
  }

  /** Fetches entries by id without ingesting them. */
  async fetch(ids: readonly EntryId[]): Promise<IdentifiedEnvelope[]> {
    await writeFrame(this.stream, { t: 'get', ids });
    const answer = parseAnswer(await this.reader.expect());
    if (answer.t !== 'entries') throw new SyncProtocolError(`unexpected ${answer.t} for get`);
    return decodeAll(answer.entries);
  }

  /**
   * Proves to the server that this node hosts members of private channels: asks for a
   * challenge and answers it with the keys of those members. Returns the keys accepted.
   */
  async prove(peers: StreamPeers): Promise<readonly string[]> {
    await writeFrame(this.stream, { t: 'challenge' });
    const challenge = parseAnswer(await this.reader.expect());
    if (challenge.t !== 'challenge') {
      throw new SyncProtocolError(`unexpected ${challenge.t} for challenge`);
    }
    const proofs =
      this.node.signMembershipChallenge?.({
        nonce: challenge.nonce,
        // This node answers: it is the client, the peer it asked is the server.
        server: peers.server,
        client: peers.client,
      }) ?? [];
    await writeFrame(this.stream, { t: 'prove', proofs });
    const proven = parseAnswer(await this.reader.expect());
    if (proven.t !== 'proven') throw new SyncProtocolError(`unexpected ${proven.t} for prove`);
    this.proven = proven.keys;
    return proven.keys;
  }

  /**
   * Fetches the content of entries stored without it, in private channels whose members this
   * node hosts: proves membership first when it has not on this stream (a node invited during
   * this exchange learned of it from the entries just received).
   */
  async fetchContent(access: ClientAccess): Promise<void> {
    const wanted = new Map([...(access.contentless ?? []), ...this.contentless]);
    if (wanted.size === 0) return;
    if (this.contentless.size > 0) access.hosted.refresh();
    const ids = [...wanted].filter(([, channel]) => access.hosted.has(channel)).map(([id]) => id);
    if (ids.length === 0) return;
    const unproven = access.hosted.keys.some((key) => !this.proven.includes(key));
    if (unproven) await this.prove(access.peers);
    if (this.proven.length === 0) return;
    for (let at = 0; at < ids.length; at += MAX_GET_IDS) {
      await this.get(ids.slice(at, at + MAX_GET_IDS));
    }
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
    for (const { id, envelope } of batch) {
      const channel = envelope.entry.tx.channel;
      if (channel !== undefined && lacksContent(envelope)) {
        if (this.contentless.size < MAX_CONTENTLESS) this.contentless.set(id, channel);
      }
    }
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
    this.outcome.invalid += result.rejected.filter((r) => isPeerFault(r.reason)).length;
    if (result.pending > 0) this.repair.note(this.node, batch);
  }
}

/**
 * A full exchange: proof of membership (when this node hosts members of private channels), want,
 * repair, then the content still missing from private channels' entries, then close.
 */
export async function runSync(
  stream: SyncStream,
  node: ClientNode,
  scope: SyncScope,
  access?: ClientAccess,
): Promise<SyncOutcome> {
  const session = new SyncSession(stream, node);
  if (access?.hosted.any) await session.prove(access.peers);
  await session.want(scope);
  await session.repairPending();
  if (access) await session.fetchContent(access);
  await stream.close();
  return session.outcome;
}
