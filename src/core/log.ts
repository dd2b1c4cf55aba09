/**
 * Per-author append-only logs. An entry is `{author, seq, prev, hlc, tx, sig}`; its id is the
 * hash of its stored form (signature included), and `prev` names the previous entry's id,
 * so the newest signature authenticates the whole chain before it (as Hypercore signs tree roots).
 */
import { decodeCanonical, encodeCanonical, hashBytes } from './encoding.js';
import { ChainError, ForkError, GapError, SignatureError } from './errors.js';
import { sign, verify, type KeyPair } from './identity.js';
import { arraySpans, mapValue } from './cbor-spans.js';
import { rememberResourceIds } from './resources.js';
import type { EntryId, LogEntry, ResourceId, UnsignedEntry } from './types.js';

/**
 * An entry together with its bytes and id, computed once. On disk and on the wire an entry is
 * the canonical CBOR map `{u: <signed bytes>, s: <signature>}`: the signature covers exactly `u`,
 * so the entry is encoded once, and any re-encoding of `u` by a third party breaks the signature.
 */
export interface SealedEntry {
  readonly id: EntryId;
  readonly entry: LogEntry;
  /** `{u, s}` — what the id hashes and what is stored and sent. */
  readonly bytes: Uint8Array;
  /** The signed bytes `u`. */
  readonly signed: Uint8Array;
}

export function signingBytes(entry: UnsignedEntry): Uint8Array {
  const { author, seq, prev, hlc, tx } = entry;
  return encodeCanonical({ author, seq, prev, hlc, tx });
}

export function createEntry(pair: KeyPair, unsigned: Omit<UnsignedEntry, 'author'>): SealedEntry {
  const body: UnsignedEntry = { ...unsigned, author: pair.address };
  const signed = signingBytes(body);
  const entry: LogEntry = { ...body, sig: sign(pair, signed) };
  return remember(wrap(entry, signed));
}

function wrap(entry: LogEntry, signed: Uint8Array): SealedEntry {
  const bytes = encodeCanonical({ u: signed, s: entry.sig });
  return { id: hashBytes(bytes) as EntryId, entry, bytes, signed };
}

/** Entries decoded from the wire or built here keep their sealed form: no second encoding. */
const sealedByEntry = new WeakMap<LogEntry, SealedEntry>();

function remember(sealed: SealedEntry): SealedEntry {
  sealedByEntry.set(sealed.entry, sealed);
  return sealed;
}

export function seal(entry: LogEntry): SealedEntry {
  return sealedByEntry.get(entry) ?? remember(wrap(entry, signingBytes(entry)));
}

/**
 * Decodes stored or received entry bytes. The outer map must be canonical (else one entry could
 * travel under many ids and look like a fork); `u` needs no such check, as the signature (or the
 * hash chain up to a signed entry) covers those exact bytes.
 */
export function unseal(bytes: Uint8Array): SealedEntry {
  let outer: { u?: unknown; s?: unknown };
  let entry: LogEntry;
  try {
    outer = decodeCanonical<{ u?: unknown; s?: unknown }>(bytes);
    if (!(outer?.u instanceof Uint8Array) || !(outer.s instanceof Uint8Array)) {
      throw new Error('expected a map {u: bytes, s: bytes}');
    }
    entry = { ...decodeCanonical<UnsignedEntry>(outer.u), sig: outer.s };
  } catch (cause) {
    throw new ChainError(`entry bytes are malformed: ${(cause as Error).message}`, { cause });
  }
  if (!isEntryShape(entry)) throw new ChainError('entry bytes do not decode to a log entry');
  const sealed = wrap(entry, outer.u);
  if (Buffer.compare(Buffer.from(sealed.bytes), Buffer.from(bytes)) !== 0) {
    throw new ChainError(`entry ${sealed.id} is not canonically encoded`);
  }
  rememberCreatedIds(sealed);
  return remember(sealed);
}

/** Hashes each created resource from its span in the signed bytes (one encode saved each). */
function rememberCreatedIds(sealed: SealedEntry): void {
  const creates = sealed.entry.tx.creates;
  if (!Array.isArray(creates) || creates.length === 0) return;
  try {
    const tx = mapValue(sealed.signed, 0, 'tx');
    const at = tx === undefined ? undefined : mapValue(sealed.signed, tx, 'creates');
    if (at === undefined) return;
    const spans = arraySpans(sealed.signed, at);
    if (spans.length !== creates.length) return;
    const ids = spans.map(
      ([start, end]) => hashBytes(sealed.signed.subarray(start, end)) as ResourceId,
    );
    rememberResourceIds(creates, ids);
  } catch {
    // Unusual encodings fall back to encoding each resource when its id is asked for.
  }
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
  return sealedSignatureValid(seal(entry));
}

export function sealedSignatureValid(sealed: SealedEntry): boolean {
  return verify(sealed.entry.author, sealed.signed, sealed.entry.sig);
}

/** Where an author's log stands in a store: the last seq and its entry id. */
export interface LogHead {
  readonly seq: number;
  readonly id: EntryId;
}

/**
 * Checks that `run` (one author's entries, ascending) continues `head` without gap or fork and
 * links each entry to the one before; then checks signatures: every entry when `mode` is
 * 'each', only the newest when 'newest' (it authenticates the chain behind it), none when
 * 'each-skip' (a prefix whose newer continuation will be checked with 'newest').
 * `existingAt(seq)` answers the id already stored at a seq at or below the head (fork check).
 */
export function verifyRun(
  run: readonly SealedEntry[],
  head: LogHead | undefined,
  existingAt: (seq: number) => EntryId | undefined,
  mode: 'each' | 'newest' | 'each-skip',
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
    if (mode === 'each' && !sealedSignatureValid(sealed)) {
      throw new SignatureError(`entry ${id} of ${entry.author} has a bad signature`);
    }
    expectedSeq += 1;
    expectedPrev = id;
  }
  const newest = run[run.length - 1];
  if (mode === 'newest' && newest && !sealedSignatureValid(newest)) {
    throw new SignatureError(`entry ${newest.id} of ${newest.entry.author} has a bad signature`);
  }
}
