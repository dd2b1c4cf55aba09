/**
 * The answering side of the sync protocol: reads requests from one stream and serves them from
 * the node's store, batch by batch, never holding more than one batch plus the merge pages.
 */
import type { Address, ChannelId, EntryEnvelope, EntryId } from '../types.js';
import { encodeEnvelope } from '../wire.js';
import { envelopeWithoutContent, withoutContent, type ReadGate } from './channel-access.js';
import { FrameReader, writeFrame, type Chunk, type FrameSink } from './codec.js';
import { CausalMerge, WireMerge } from './causal-merge.js';
import { parseCredit, parseRequest, type WantRequest } from './sync-messages.js';
import type { StreamAccess } from './stream-access.js';
import type { SyncNode } from './types.js';

export interface BatchLimits {
  readonly entries: number;
  readonly bytes: number;
}

/**
 * A receiver ingests each batch as one run (its bulk commits gather several batches). 2048
 * entries cost the receiver ~10 µs less per entry than 1024 did when each batch was still its own
 * commit; since bulk commits and prefix-keyed indexes the size matters less (512 measured the
 * same within this machine's noise). 1024 halves what each stream holds in flight (the receiver
 * keeps up to three batches decoded or arriving): on a 100k catch-up (bench/catchup.ts, one
 * paired run) the receiver's peak RSS was 339 MB against 352 MB at 2048, CPU per entry the same
 * within the noise of this loaded machine.
 */
export const DEFAULT_BATCH: BatchLimits = { entries: 1024, bytes: 2 * 1024 * 1024 };

/** A bidirectional stream as the server needs it. */
export type SyncStream = FrameSink & AsyncIterable<Chunk> & { close(): Promise<void> };

/**
 * Serves requests until the client closes its side. Throws on a protocol violation (the
 * caller aborts the stream). `access` holds what the client proved on this stream: content of
 * a non-public channel goes only to a client that proved it hosts a member.
 */
export async function serveSyncStream(
  stream: SyncStream,
  node: Pick<SyncNode, 'frontier' | 'entriesAfter' | 'wireEntriesAfter' | 'getEntries'>,
  access: StreamAccess,
  limits: BatchLimits = DEFAULT_BATCH,
): Promise<void> {
  const reader = new FrameReader(stream);
  for (;;) {
    const raw = await reader.next();
    if (raw === undefined) break;
    // Credit granted for batches that turned out to be the last ones arrives after `done`.
    if (isCredit(raw)) continue;
    const request = parseRequest(raw);
    if (request.t === 'get') {
      const may = access.gate();
      const found = node.getEntries(request.ids as EntryId[]);
      const entries = found.map((e) =>
        encodeEnvelope(may(e.entry.tx.channel) ? e : envelopeWithoutContent(e)),
      );
      await writeFrame(stream, { t: 'entries', entries });
    } else if (request.t === 'challenge') {
      await writeFrame(stream, { t: 'challenge', nonce: access.challenge() });
    } else if (request.t === 'prove') {
      await writeFrame(stream, access.prove(request.proofs));
    } else {
      await serveWant(stream, reader, node, request, limits, access.gate());
    }
  }
  await stream.close();
}

function isCredit(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { t?: unknown }).t === 'credit';
}

/**
 * Which authors to send and from where: the server's heads against the client's frontier. A
 * channel the client may not read (`may`) is left out of the scope, as if this node did not
 * know it; authors the client names or already replicates are sent whatever they wrote in.
 */
export function wantRanges(
  node: Pick<SyncNode, 'frontier'>,
  request: WantRequest,
  may: ReadGate = () => true,
): Map<Address, readonly [number, number]> {
  const theirs = new Map<string, number>(request.frontier.map(([a, s]) => [a, s]));
  const all = node.frontier();
  let candidates: Iterable<readonly [Address, number]>;
  if (request.channels === undefined && request.authors === undefined) {
    candidates = all;
  } else {
    const picked = new Map<Address, number>();
    const channels = (request.channels ?? []).filter((c) => may(c as ChannelId));
    if (channels.length > 0) {
      for (const [author, seq] of node.frontier(channels as ChannelId[])) picked.set(author, seq);
    }
    // Authors the client already replicates stay current too: a gap in their chain would hold
    // back everything they write later, in any channel.
    for (const author of [...(request.authors ?? []), ...theirs.keys()]) {
      const seq = all.get(author as Address);
      if (seq !== undefined) picked.set(author as Address, seq);
    }
    candidates = picked;
  }
  const ranges = new Map<Address, readonly [number, number]>();
  for (const [author, seq] of candidates) {
    const after = theirs.get(author) ?? 0;
    if (seq > after) ranges.set(author, [after, seq]);
  }
  return ranges;
}

/** One entry on its way out: whose log it belongs to, and its wire envelope. */
interface Outgoing {
  readonly author: string;
  readonly bytes: Uint8Array;
}

/**
 * The entries of `ranges` in causal order, encoded, without content where `may` says the client
 * may not read it. A node that can read stored bytes directly is read that way; any other is
 * read decoded and encoded again.
 */
function outgoing(
  node: Pick<SyncNode, 'entriesAfter' | 'wireEntriesAfter'>,
  ranges: ReadonlyMap<Address, readonly [number, number]>,
  may: ReadGate,
): () => Outgoing | undefined {
  const wire = node.wireEntriesAfter;
  if (wire) {
    const merge = new WireMerge({ wireEntriesAfter: wire.bind(node) }, ranges);
    return () => {
      const item = merge.next();
      // Public channels pay one map lookup per entry here (ChannelVisibility).
      if (!item || may(item.channel)) return item;
      return { author: item.author, bytes: withoutContent(item.bytes) };
    };
  }
  const merge = new CausalMerge(node, ranges);
  return () => {
    const envelope = merge.next();
    if (!envelope) return undefined;
    const sent = may(envelope.entry.tx.channel) ? envelope : envelopeWithoutContent(envelope);
    return { author: envelope.entry.author, bytes: encodeEnvelope(sent) };
  };
}

async function serveWant(
  stream: SyncStream,
  reader: FrameReader,
  node: Pick<SyncNode, 'frontier' | 'entriesAfter' | 'wireEntriesAfter'>,
  request: WantRequest,
  limits: BatchLimits,
  may: ReadGate,
): Promise<void> {
  const next = outgoing(node, wantRanges(node, request, may), may);
  let credit = request.credit;
  let sent = 0;
  let carry: Outgoing | undefined;
  for (;;) {
    const batch: Outgoing[] = [];
    let bytes = 0;
    while (batch.length < limits.entries && bytes < limits.bytes) {
      const item = carry ?? next();
      carry = undefined;
      if (!item) break;
      if (batch.length > 0 && bytes + item.bytes.byteLength > limits.bytes) {
        carry = item;
        break;
      }
      batch.push(item);
      bytes += item.bytes.byteLength;
    }
    if (batch.length === 0) break;
    if (credit === 0) credit += parseCredit(await reader.expect());
    await writeFrame(stream, {
      t: 'batch',
      entries: groupRuns(batch, (item) => item.author).map((item) => item.bytes),
    });
    credit -= 1;
    sent += batch.length;
  }
  await writeFrame(stream, { t: 'done', sent });
}

/**
 * Regroups a causally ordered window into contiguous runs per author (authors in order of first
 * appearance) so the receiver verifies each run by its hash chain and newest signature.
 */
export function groupByAuthor(window: readonly EntryEnvelope[]): EntryEnvelope[] {
  return groupRuns(window, (envelope) => envelope.entry.author);
}

function groupRuns<T>(window: readonly T[], authorOf: (item: T) => string): T[] {
  const runs = new Map<string, T[]>();
  for (const item of window) {
    const run = runs.get(authorOf(item));
    if (run) run.push(item);
    else runs.set(authorOf(item), [item]);
  }
  return [...runs.values()].flat();
}
