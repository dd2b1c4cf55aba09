/**
 * Frames of the sync protocol (`/multichat/sync/2.0.0`: 2 is the log format, docs/protocol.md).
 * One stream carries a sequence of requests from the client; each is answered before the next
 * is read:
 *
 *   want       {channels?, authors?, frontier, credit}  ->  batch*  done
 *   get        {ids}                                    ->  entries
 *   challenge  {}                                       ->  challenge {nonce}
 *   prove      {proofs: [{key, sig}]}                   ->  proven {keys, refused}
 *
 * A `want` is answered with batches in causal (HLC) order, each batch a few contiguous runs of
 * single authors. The server sends a batch only while it holds credit; the client grants one
 * credit per batch it receives, so at most `credit` batches are in flight: memory stays flat
 * whatever the backlog.
 *
 * Content of a non-public channel goes only to a client that proved, on this stream, that it
 * holds a key of a current member (challenge, then prove: membership.ts); to any other client
 * its entries go without content, and a `want` naming it is answered as if it were unknown.
 */
import type { Address, MembershipProof } from '../types.js';
import { SyncProtocolError } from './errors.js';
import { MAX_PROOF_KEYS, NONCE_BYTES } from './membership.js';

export const SYNC_PROTOCOL = '/multichat/sync/2.0.0';

/** Limits that bound what one request can ask of a server. */
export const MAX_FRONTIER_AUTHORS = 200_000;
export const MAX_GET_IDS = 1024;
export const MAX_CREDIT = 8;
export const MAX_SCOPE_ITEMS = 10_000;

export interface WantRequest {
  readonly t: 'want';
  /** Authors who wrote in these channels; absent with `authors` absent means every author. */
  readonly channels?: readonly string[];
  /** These authors' logs as well. */
  readonly authors?: readonly string[];
  /** The client's highest seq per author (all authors it stores). */
  readonly frontier: readonly (readonly [string, number])[];
  /** Batches the server may send before it waits for more credit. */
  readonly credit: number;
}

export interface GetRequest {
  readonly t: 'get';
  readonly ids: readonly string[];
}

export interface ChallengeRequest {
  readonly t: 'challenge';
}

export interface ProveRequest {
  readonly t: 'prove';
  readonly proofs: readonly MembershipProof[];
}

export type SyncRequest = WantRequest | GetRequest | ChallengeRequest | ProveRequest;

export interface CreditFrame {
  readonly t: 'credit';
  readonly n: number;
}

export interface BatchFrame {
  readonly t: 'batch';
  /** Encoded envelopes (core wire format). */
  readonly entries: readonly Uint8Array[];
}

export interface DoneFrame {
  readonly t: 'done';
  /** Entries sent for this request. */
  readonly sent: number;
}

export interface EntriesFrame {
  readonly t: 'entries';
  readonly entries: readonly Uint8Array[];
}

export interface ChallengeFrame {
  readonly t: 'challenge';
  readonly nonce: Uint8Array;
}

export interface ProvenFrame {
  readonly t: 'proven';
  /** Keys accepted for the rest of the stream. */
  readonly keys: readonly string[];
  /** Why each other key was refused. */
  readonly refused: readonly string[];
}

export type SyncAnswer = BatchFrame | DoneFrame | EntriesFrame | ChallengeFrame | ProvenFrame;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, field: string, max: number): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > max || !value.every((v) => typeof v === 'string')) {
    throw new SyncProtocolError(`${field} must be a list of at most ${max} strings`);
  }
  return value as string[];
}

/** Validates a request frame from a client. */
export function parseRequest(value: unknown): SyncRequest {
  if (!isRecord(value)) throw new SyncProtocolError('request is not a map');
  if (value.t === 'get') {
    return { t: 'get', ids: stringList(value.ids, 'ids', MAX_GET_IDS) ?? [] };
  }
  if (value.t === 'challenge') return { t: 'challenge' };
  if (value.t === 'prove') return { t: 'prove', proofs: proofList(value.proofs) };
  if (value.t !== 'want') throw new SyncProtocolError(`unknown request type ${String(value.t)}`);
  const frontier = value.frontier;
  if (!Array.isArray(frontier) || frontier.length > MAX_FRONTIER_AUTHORS) {
    throw new SyncProtocolError('frontier must be a list of [author, seq] pairs');
  }
  for (const pair of frontier) {
    if (
      !Array.isArray(pair) ||
      typeof pair[0] !== 'string' ||
      !Number.isSafeInteger(pair[1]) ||
      (pair[1] as number) < 0
    ) {
      throw new SyncProtocolError('frontier must be a list of [author, seq] pairs');
    }
  }
  const credit = value.credit;
  if (!Number.isSafeInteger(credit) || (credit as number) < 1 || (credit as number) > MAX_CREDIT) {
    throw new SyncProtocolError(`credit must be an integer from 1 to ${MAX_CREDIT}`);
  }
  return {
    t: 'want',
    channels: stringList(value.channels, 'channels', MAX_SCOPE_ITEMS),
    authors: stringList(value.authors, 'authors', MAX_SCOPE_ITEMS),
    frontier: frontier as [string, number][],
    credit: credit as number,
  };
}

function proofList(value: unknown): MembershipProof[] {
  const valid =
    Array.isArray(value) &&
    value.length <= MAX_PROOF_KEYS &&
    value.every((p) => isRecord(p) && typeof p.key === 'string' && p.sig instanceof Uint8Array);
  if (!valid) {
    throw new SyncProtocolError(`proofs must be a list of at most ${MAX_PROOF_KEYS} {key, sig}`);
  }
  return (value as { key: string; sig: Uint8Array }[]).map((p) => ({
    key: p.key as Address,
    sig: p.sig,
  }));
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new SyncProtocolError(`${field} must be a list of strings`);
  }
  return value as string[];
}

/** Validates a credit frame sent by the client while the server streams batches. */
export function parseCredit(value: unknown): number {
  if (!isRecord(value) || value.t !== 'credit') {
    throw new SyncProtocolError('expected a credit frame while batches are in flight');
  }
  const n = value.n;
  if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > MAX_CREDIT) {
    throw new SyncProtocolError(`credit must be an integer from 1 to ${MAX_CREDIT}`);
  }
  return n as number;
}

function entryList(value: unknown): Uint8Array[] {
  if (!Array.isArray(value) || !value.every((v) => v instanceof Uint8Array)) {
    throw new SyncProtocolError('entries must be a list of byte strings');
  }
  return value as Uint8Array[];
}

/** Validates an answer frame from a server. */
export function parseAnswer(value: unknown): SyncAnswer {
  if (!isRecord(value)) throw new SyncProtocolError('answer is not a map');
  switch (value.t) {
    case 'batch':
      return { t: 'batch', entries: entryList(value.entries) };
    case 'entries':
      return { t: 'entries', entries: entryList(value.entries) };
    case 'done':
      if (!Number.isSafeInteger(value.sent)) throw new SyncProtocolError('done lacks sent');
      return { t: 'done', sent: value.sent as number };
    case 'challenge':
      if (!(value.nonce instanceof Uint8Array) || value.nonce.length !== NONCE_BYTES) {
        throw new SyncProtocolError(`a challenge carries a nonce of ${NONCE_BYTES} bytes`);
      }
      return { t: 'challenge', nonce: value.nonce };
    case 'proven':
      return {
        t: 'proven',
        keys: strings(value.keys, 'keys'),
        refused: strings(value.refused, 'refused'),
      };
    default:
      throw new SyncProtocolError(`unknown answer type ${String(value.t)}`);
  }
}
