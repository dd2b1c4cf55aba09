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
  const parts = splitSealed(bytes);
  if (!parts)
    throw new ChainError('entry bytes are not the canonical map {s: signature, u: bytes}');
  let entry: LogEntry;
  try {
    entry = { ...decodeCanonical<UnsignedEntry>(parts.u), sig: parts.s };
  } catch (cause) {
    throw new ChainError(`entry bytes are malformed: ${(cause as Error).message}`, { cause });
  }
  if (!isEntryShape(entry)) throw new ChainError('entry bytes do not decode to a log entry');
  const sealed: SealedEntry = { id: hashBytes(bytes) as EntryId, entry, bytes, signed: parts.u };
  rememberCreatedIds(sealed);
  return remember(sealed);
}

// The canonical encoding of {s, u}: map(2), "s", bytes(64) <sig>, "u", bytes(n) <u>. Reading it by
// hand checks canonical form exactly (no other bytes can pass) without decoding or re-encoding.
const SEALED_PREFIX = [0xa2, 0x61, 0x73, 0x58, 0x40];
const U_KEY = [0x61, 0x75];

function splitSealed(bytes: Uint8Array): { s: Uint8Array; u: Uint8Array } | undefined {
  if (bytes.length < 5 + 64 + 3) return undefined;
  for (let i = 0; i < SEALED_PREFIX.length; i += 1)
    if (bytes[i] !== SEALED_PREFIX[i]) return undefined;
  let at = 5 + 64;
  if (bytes[at] !== U_KEY[0] || bytes[at + 1] !== U_KEY[1]) return undefined;
  at += 2;
  const head = bytes[at] as number;
  if (head >> 5 !== 2) return undefined;
  const info = head & 0x1f;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let length: number;
  let start: number;
  if (info < 24) [length, start] = [info, at + 1];
  else if (info === 24) [length, start] = [view.getUint8(at + 1), at + 2];
  else if (info === 25) [length, start] = [view.getUint16(at + 1), at + 3];
  else if (info === 26) [length, start] = [view.getUint32(at + 1), at + 5];
  else return undefined;
  const minimal =
    info < 24 || (info === 24 ? length >= 24 : info === 25 ? length > 0xff : length > 0xffff);
  if (!minimal || start + length !== bytes.length) return undefined;
  return { s: bytes.subarray(5, 5 + 64), u: bytes.subarray(start, start + length) };
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
