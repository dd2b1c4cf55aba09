/**
 * Per-author append-only logs. An entry is `{author, seq, prev, hlc, tx, sig}`; its id is the
 * hash of its canonical encoding (signature included), and `prev` names the previous entry's id,
 * so the newest signature authenticates the whole chain before it (as Hypercore signs tree roots).
 */
import { decodeCanonical, encodeCanonical, hashBytes } from './encoding.js';
import { ChainError, ForkError, GapError, SignatureError } from './errors.js';
import { sign, verify, type KeyPair } from './identity.js';
import type { EntryId, LogEntry, UnsignedEntry } from './types.js';

/** An entry together with its canonical bytes and id, computed once. */
export interface SealedEntry {
  readonly id: EntryId;
  readonly entry: LogEntry;
  readonly bytes: Uint8Array;
}

export function signingBytes(entry: UnsignedEntry): Uint8Array {
  const { author, seq, prev, hlc, tx } = entry;
  return encodeCanonical({ author, seq, prev, hlc, tx });
}

export function createEntry(pair: KeyPair, unsigned: Omit<UnsignedEntry, 'author'>): SealedEntry {
  const body: UnsignedEntry = { ...unsigned, author: pair.address };
  const entry: LogEntry = { ...body, sig: sign(pair, signingBytes(body)) };
  return seal(entry);
}

/** Entries decoded from the wire keep their sealed form, so ingest need not encode them again. */
const sealedByEntry = new WeakMap<LogEntry, SealedEntry>();

export function seal(entry: LogEntry): SealedEntry {
  const known = sealedByEntry.get(entry);
  if (known) return known;
  const bytes = encodeCanonical(entry);
  const sealed = { id: hashBytes(bytes) as EntryId, entry, bytes };
  sealedByEntry.set(entry, sealed);
  return sealed;
}

/**
 * Decodes canonical entry bytes. Bytes that are not the canonical encoding of what they decode
 * to are refused: otherwise one signed entry could travel under many ids and look like a fork.
 */
export function unseal(bytes: Uint8Array): SealedEntry {
  let entry: LogEntry;
  try {
    entry = decodeCanonical<LogEntry>(bytes);
  } catch (cause) {
    throw new ChainError('entry bytes are not valid CBOR', { cause });
  }
  if (!isEntryShape(entry)) throw new ChainError('entry bytes do not decode to a log entry');
  const sealed = seal(entry);
  if (Buffer.compare(Buffer.from(sealed.bytes), Buffer.from(bytes)) !== 0) {
    throw new ChainError(`entry ${sealed.id} is not canonically encoded`);
  }
  return sealed;
}

function isEntryShape(value: unknown): value is LogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.author === 'string' &&
    Number.isSafeInteger(e.seq) &&
    (e.seq as number) >= 1 &&
    (e.prev === null || typeof e.prev === 'string') &&
    typeof e.hlc === 'object' &&
    e.hlc !== null &&
    typeof e.tx === 'object' &&
    e.tx !== null &&
    e.sig instanceof Uint8Array
  );
}

export function hasValidSignature(entry: LogEntry): boolean {
  return verify(entry.author, signingBytes(entry), entry.sig);
}

/** Where an author's log stands in a store: the last seq and its entry id. */
export interface LogHead {
  readonly seq: number;
  readonly id: EntryId;
}

/**
 * Checks that `run` (one author's entries, ascending) continues `head` without gap or fork and
 * links each entry to the one before; then checks signatures: every entry when `mode` is
 * 'each', only the newest when 'newest' (it authenticates the chain behind it).
 * `existingAt(seq)` answers the id already stored at a seq at or below the head (fork check).
 */
export function verifyRun(
  run: readonly SealedEntry[],
  head: LogHead | undefined,
  existingAt: (seq: number) => EntryId | undefined,
  mode: 'each' | 'newest',
): void {
  let expectedSeq = (head?.seq ?? 0) + 1;
  let expectedPrev: EntryId | null = head?.id ?? null;
  for (const sealed of run) {
    const { entry, id } = sealed;
    if (entry.seq < expectedSeq) {
      const existing = existingAt(entry.seq);
      if (existing !== undefined && existing !== id) {
        throw new ForkError(entry.author, entry.seq, existing, id);
      }
      throw new ChainError(`entry ${id} repeats seq ${entry.seq} of ${entry.author}`);
    }
    if (entry.seq > expectedSeq) throw new GapError(entry.author, expectedSeq, entry.seq);
    if (entry.prev !== expectedPrev) {
      throw new ChainError(
        `entry ${id} (seq ${entry.seq}) names prev ${entry.prev ?? 'none'}, expected ${expectedPrev ?? 'none'}`,
      );
    }
    if (mode === 'each' && !hasValidSignature(entry)) {
      throw new SignatureError(`entry ${id} of ${entry.author} has a bad signature`);
    }
    expectedSeq += 1;
    expectedPrev = id;
  }
  const newest = run[run.length - 1];
  if (mode === 'newest' && newest && !hasValidSignature(newest.entry)) {
    throw new SignatureError(`entry ${newest.id} of ${newest.entry.author} has a bad signature`);
  }
}
