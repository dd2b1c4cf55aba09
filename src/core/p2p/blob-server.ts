/**
 * The answering side of the blob protocol (blob-messages.ts): serves a blob this node holds to a
 * peer that may read a channel referencing it, within bounds. Public channels: any peer. Private
 * and direct channels: a peer that proved on this stream that it hosts a current member, the
 * same proof and the same gate as private sync content (stream-access.ts).
 */
import type { BlobHash, BlobStore } from '../types.js';
import type { ReadGate } from './channel-access.js';
import { encodeFrame, FrameReader, writeFrame, type Chunk } from './codec.js';
import { BlobStreamTimeoutError, StreamEndedError, SyncProtocolError } from './errors.js';
import {
  BLOB_CHUNK_BYTES,
  MAX_BLOB_CONTROL_BYTES,
  MAX_BLOB_REQUESTS,
  parseBlobRequest,
  type BlobStatus,
} from './blob-messages.js';
import type { StreamAccess } from './stream-access.js';

/** Bounds of blob serving (config: P2POptions `blob*`). */
export interface BlobLimits {
  /** Largest blob sent or accepted: the node's media limit. */
  readonly maxBytes: number;
  /** Blob streams sending bytes at once to one peer. */
  readonly streamsPerPeer: number;
  /** Blob streams sending bytes at once, all peers. */
  readonly streams: number;
  /** Whole life of one served stream, requests and bytes. */
  readonly streamTimeoutMs: number;
  /** Longest a reader may leave the stream's buffer full before the stream is aborted. */
  readonly stallMs: number;
}

export const DEFAULT_BLOB_LIMITS: BlobLimits = {
  maxBytes: 25 * 1024 * 1024,
  streamsPerPeer: 2,
  streams: 16,
  streamTimeoutMs: 60_000,
  stallMs: 10_000,
};

/** A libp2p stream as the blob protocol uses it. */
export interface BlobStream extends AsyncIterable<Chunk> {
  send(data: Uint8Array): boolean;
  onDrain(options?: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
  abort(err: Error): void;
  readonly writeBufferLength: number;
  addEventListener(type: 'drain' | 'close', listener: (event: Event) => void): void;
  removeEventListener(type: 'drain' | 'close', listener: (event: Event) => void): void;
}

/** Bytes a served stream may hold unsent before the server waits for its reader. */
const HIGH_WATER_BYTES = 4 * BLOB_CHUNK_BYTES;

/** What the server reads of the node's blob store. */
export type BlobHolder = Pick<BlobStore, 'openStored' | 'channelsReferencing'>;

/** Counts streams that are sending bytes, per peer and in all; a request past a bound is busy. */
export class BlobSlots {
  private readonly perPeer = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Pick<BlobLimits, 'streams' | 'streamsPerPeer'>) {}

  acquire(peer: string): boolean {
    const mine = this.perPeer.get(peer) ?? 0;
    if (this.total >= this.limits.streams || mine >= this.limits.streamsPerPeer) return false;
    this.perPeer.set(peer, mine + 1);
    this.total += 1;
    return true;
  }

  release(peer: string): void {
    const mine = (this.perPeer.get(peer) ?? 1) - 1;
    if (mine > 0) this.perPeer.set(peer, mine);
    else this.perPeer.delete(peer);
    this.total = Math.max(0, this.total - 1);
  }

  /** Streams sending now (for status and tests). */
  get active(): number {
    return this.total;
  }
}

/** A blob as the store opens it. */
type HeldBlob = NonNullable<ReturnType<BlobHolder['openStored']>>;

/**
 * The status a request gets before slots are counted, and the blob when it is 'ok'. A blob held
 * but referenced by no live message is not served (its message was deleted; the bytes go with
 * the next sweep), nor one larger than this node's limit.
 */
export function blobDecision(
  blobs: BlobHolder,
  hash: BlobHash,
  may: ReadGate,
  maxBytes: number,
): { status: Exclude<BlobStatus, 'busy'>; held?: HeldBlob } {
  // As stored: a sealed blob goes out as ciphertext, which the asking peer checks by hash.
  const held = blobs.openStored(hash);
  if (!held || held.size > maxBytes) return { status: 'not-found' };
  const channels = blobs.channelsReferencing(hash);
  if (channels.length === 0) return { status: 'not-found' };
  return channels.some((channel) => may(channel)) ? { status: 'ok', held } : { status: 'refused' };
}

/** Serves one stream until the bytes went out, the client closed, or a bound was hit. */
export async function serveBlobStream(
  stream: BlobStream,
  blobs: BlobHolder,
  access: StreamAccess,
  slots: BlobSlots,
  peer: string,
  limits: BlobLimits,
): Promise<void> {
  const deadline = setTimeout(
    () => stream.abort(new BlobStreamTimeoutError('the blob stream ran out of time')),
    limits.streamTimeoutMs,
  );
  try {
    const reader = new FrameReader(stream, MAX_BLOB_CONTROL_BYTES);
    for (let n = 0; n < MAX_BLOB_REQUESTS; n += 1) {
      const raw = await reader.next();
      if (raw === undefined) break;
      const request = parseBlobRequest(raw);
      if (request.t === 'challenge') {
        await writeFrame(stream, { t: 'challenge', nonce: access.challenge() });
        continue;
      }
      if (request.t === 'prove') {
        await writeFrame(stream, access.prove(request.proofs));
        continue;
      }
      const { status, held } = blobDecision(blobs, request.hash, access.gate(), limits.maxBytes);
      if (!held || !slots.acquire(peer)) {
        await writeFrame(stream, { t: 'blob', status: held ? 'busy' : status });
        continue;
      }
      try {
        await writeFrame(stream, { t: 'blob', status: 'ok', size: held.size });
        await sendBytes(stream, held.stream(), held.size, limits.stallMs);
      } finally {
        slots.release(peer);
      }
      break;
    }
    await stream.close();
  } finally {
    clearTimeout(deadline);
  }
}

/** Sends exactly `size` bytes in chunk frames, aborting when the reader stalls. */
async function sendBytes(
  stream: BlobStream,
  source: AsyncIterable<Uint8Array>,
  size: number,
  stallMs: number,
): Promise<void> {
  let sent = 0;
  for await (const piece of source) {
    for (let at = 0; at < piece.byteLength; at += BLOB_CHUNK_BYTES) {
      const chunk = piece.subarray(at, at + BLOB_CHUNK_BYTES);
      if (sent + chunk.byteLength > size) break;
      sent += chunk.byteLength;
      stream.send(encodeFrame(chunk));
      while (stream.writeBufferLength > HIGH_WATER_BYTES) await drained(stream, stallMs);
    }
  }
  // The file changed under us (deleted by a sweep): the client must not take a short blob.
  if (sent !== size) throw new SyncProtocolError(`blob store yielded ${sent} of ${size} bytes`);
}

/**
 * Resolves at the stream's next drain (the reader granted credit), or fails after `stallMs`
 * without one or when the stream closes. Not `onDrain()`: in @libp2p/utils 7.4 its promise is
 * made once and never renewed, so after the first drain it resolves at once and a slow reader
 * would have the whole blob queued in memory.
 */
function drained(stream: BlobStream, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onClose = () => {
      done();
      reject(new StreamEndedError('the blob stream closed while bytes were waiting'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new BlobStreamTimeoutError(`the reader left the stream full for ${stallMs} ms`));
    }, stallMs);
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
  });
}
