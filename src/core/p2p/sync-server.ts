/**
 * The answering side of the sync protocol: reads requests from one stream and serves them from
 * the node's store, batch by batch, never holding more than one batch plus the merge pages.
 */
import type { Address, ChannelId, EntryEnvelope, EntryId } from '../types.js';
import { encodeEnvelope } from '../wire.js';
import { FrameReader, writeFrame, type Chunk, type FrameSink } from './codec.js';
import { CausalMerge } from './causal-merge.js';
import { parseCredit, parseRequest, type WantRequest } from './sync-messages.js';
import type { SyncNode } from './types.js';

export interface BatchLimits {
  readonly entries: number;
  readonly bytes: number;
}

export const DEFAULT_BATCH: BatchLimits = { entries: 1024, bytes: 1024 * 1024 };

/** A bidirectional stream as the server needs it. */
export type SyncStream = FrameSink & AsyncIterable<Chunk> & { close(): Promise<void> };

/**
 * Serves requests until the client closes its side. Throws on a protocol violation (the
 * caller aborts the stream).
 */
export async function serveSyncStream(
  stream: SyncStream,
  node: Pick<SyncNode, 'frontier' | 'entriesAfter' | 'getEntries'>,
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
      const found = node.getEntries(request.ids as EntryId[]);
      await writeFrame(stream, { t: 'entries', entries: found.map((e) => encodeEnvelope(e)) });
    } else {
      await serveWant(stream, reader, node, request, limits);
    }
  }
  await stream.close();
}

function isCredit(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { t?: unknown }).t === 'credit';
}

/** Which authors to send and from where: the server's heads against the client's frontier. */
export function wantRanges(
  node: Pick<SyncNode, 'frontier'>,
  request: WantRequest,
): Map<Address, readonly [number, number]> {
  const theirs = new Map<string, number>(request.frontier.map(([a, s]) => [a, s]));
  const all = node.frontier();
  let candidates: Iterable<readonly [Address, number]>;
  if (request.channels === undefined && request.authors === undefined) {
    candidates = all;
  } else {
    const picked = new Map<Address, number>();
    if (request.channels !== undefined && request.channels.length > 0) {
      for (const [author, seq] of node.frontier(request.channels as ChannelId[]))
        picked.set(author, seq);
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

async function serveWant(
  stream: SyncStream,
  reader: FrameReader,
  node: Pick<SyncNode, 'frontier' | 'entriesAfter'>,
  request: WantRequest,
  limits: BatchLimits,
): Promise<void> {
  const merge = new CausalMerge(node, wantRanges(node, request));
  let credit = request.credit;
  let sent = 0;
  let carry: EntryEnvelope | undefined;
  for (;;) {
    const batch: EntryEnvelope[] = [];
    const encoded = new Map<EntryEnvelope, Uint8Array>();
    let bytes = 0;
    while (batch.length < limits.entries && bytes < limits.bytes) {
      const next = carry ?? merge.next();
      carry = undefined;
      if (!next) break;
      const data = encodeEnvelope(next);
      if (batch.length > 0 && bytes + data.byteLength > limits.bytes) {
        carry = next;
        break;
      }
      batch.push(next);
      encoded.set(next, data);
      bytes += data.byteLength;
    }
    if (batch.length === 0) break;
    if (credit === 0) credit += parseCredit(await reader.expect());
    await writeFrame(stream, {
      t: 'batch',
      entries: groupByAuthor(batch).map((e) => encoded.get(e)),
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
  const runs = new Map<string, EntryEnvelope[]>();
  for (const envelope of window) {
    const run = runs.get(envelope.entry.author);
    if (run) run.push(envelope);
    else runs.set(envelope.entry.author, [envelope]);
  }
  return [...runs.values()].flat();
}
