/**
 * Frames of the blob protocol (`/multichat/blob/1.0.0`, docs/protocol.md "Blobs"): a peer asks
 * for the bytes of one file by its sha256. One stream carries a few requests from the client;
 * each is answered before the next is read:
 *
 *   challenge  {}                     ->  challenge {nonce}          (as in sync)
 *   prove      {proofs: [{key, sig}]} ->  proven {keys, refused}     (as in sync)
 *   blob       {hash}                 ->  blob {status, size?}  then, for 'ok', size bytes
 *
 * After `blob {status: 'ok', size}` the server sends the bytes as frames that are CBOR byte
 * strings of at most BLOB_CHUNK_BYTES each, and closes the stream once `size` bytes went out.
 * Any other status leaves the stream open for the next request (a client refused for a private
 * channel proves membership, then asks again).
 */
import type { BlobHash } from '../types.js';
import { SyncProtocolError } from './errors.js';
import { parseAnswer, parseRequest, type SyncAnswer, type SyncRequest } from './sync-messages.js';

export const BLOB_PROTOCOL = '/multichat/blob/1.0.0';

/** Most bytes in one data frame. */
export const BLOB_CHUNK_BYTES = 64 * 1024;

/** Most requests one stream may carry (a request, a proof, the request again, and spare). */
export const MAX_BLOB_REQUESTS = 6;

/** Largest control frame accepted (a `proven` answer naming refused keys is the largest). */
export const MAX_BLOB_CONTROL_BYTES = 256 * 1024;

/**
 * ok: the bytes follow. not-found: this node holds no such blob that a live message references.
 * refused: it holds it, but the client proved no membership of a channel that references it.
 * busy: too many blob streams are being served now; ask another peer or later.
 */
export type BlobStatus = 'ok' | 'not-found' | 'refused' | 'busy';

const STATUSES: readonly string[] = ['ok', 'not-found', 'refused', 'busy'];

export interface BlobRequest {
  readonly t: 'blob';
  readonly hash: BlobHash;
}

export interface BlobAnswer {
  readonly t: 'blob';
  readonly status: BlobStatus;
  /** Bytes that follow, for 'ok'. */
  readonly size?: number;
}

const HASH = /^[0-9a-f]{64}$/;

export function isBlobHash(value: unknown): value is BlobHash {
  return typeof value === 'string' && HASH.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a request frame from a client: a blob request, or a sync challenge/prove. */
export function parseBlobRequest(
  value: unknown,
): BlobRequest | Extract<SyncRequest, { t: 'challenge' | 'prove' }> {
  if (isRecord(value) && value.t === 'blob') {
    if (!isBlobHash(value.hash)) throw new SyncProtocolError('hash must be 64 lowercase hex');
    return { t: 'blob', hash: value.hash };
  }
  const request = parseRequest(value);
  if (request.t !== 'challenge' && request.t !== 'prove') {
    throw new SyncProtocolError(`${request.t} is not a blob protocol request`);
  }
  return request;
}

/** Validates an answer frame from a server: a blob answer, or a sync challenge/proven. */
export function parseBlobAnswer(
  value: unknown,
): BlobAnswer | Extract<SyncAnswer, { t: 'challenge' | 'proven' }> {
  if (isRecord(value) && value.t === 'blob') {
    if (typeof value.status !== 'string' || !STATUSES.includes(value.status)) {
      throw new SyncProtocolError(`unknown blob status ${String(value.status)}`);
    }
    const status = value.status as BlobStatus;
    if (status !== 'ok') return { t: 'blob', status };
    if (!Number.isSafeInteger(value.size) || (value.size as number) < 0) {
      throw new SyncProtocolError('an ok blob answer carries its size');
    }
    return { t: 'blob', status, size: value.size as number };
  }
  const answer = parseAnswer(value);
  if (answer.t !== 'challenge' && answer.t !== 'proven') {
    throw new SyncProtocolError(`${answer.t} is not a blob protocol answer`);
  }
  return answer;
}

/** Validates a data frame: a byte string no longer than a chunk nor than what is still due. */
export function parseBlobChunk(value: unknown, remaining: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new SyncProtocolError('a blob chunk is a byte string');
  // An empty chunk is refused too: a peer could otherwise keep a client waiting forever.
  if (
    value.byteLength === 0 ||
    value.byteLength > BLOB_CHUNK_BYTES ||
    value.byteLength > remaining
  ) {
    throw new SyncProtocolError('a blob chunk is empty, or exceeds the chunk or announced size');
  }
  return value;
}
