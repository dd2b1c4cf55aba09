/**
 * Per-author append-only logs. An entry is `{author, seq, prev, hlc, tx, sig?}`; its id is the
 * hash of its signed bytes, and `prev` names the previous entry's id, so a signature on an entry
 * authenticates the whole chain before it (as Hypercore signs tree roots, not blocks). An author
 * signs only the newest entry of each batch it appends; the entries before it travel unsigned and
 * are accepted once a signed successor links to them.
 */
import { decodeCanonical, encodeCanonical, hashBytes } from './encoding.js';
import { ChainError, ForkError, GapError, SignatureError } from './errors.js';
import { sign, verify, type KeyPair } from './identity.js';
import { cborHeadLength, readMinimalHead, writeCborHead } from './cbor-head.js';
import { arraySpans, mapValue } from './cbor-spans.js';
import { showValue, hlcFieldProblem } from './hlc.js';
import { memo } from './memo.js';
import { encodedOrResource, rememberResourceIds } from './resources.js';
import type { Address, EntryId, LogEntry, ResourceId, UnsignedEntry } from './types.js';

/**
 * An entry together with its bytes and id, computed once. On disk and on the wire an entry is
 * the canonical CBOR map `{s: <signature>, u: <signed bytes>}`, or `{u}` when unsigned: the
 * signature covers exactly `u`, so the entry is encoded once, and any re-encoding of `u` by a
 * third party changes its id and breaks the chain.
 */
export interface SealedEntry {
  /** Hash of `signed`: independent of the signature, so an entry links before it is signed. */
  readonly id: EntryId;
  readonly entry: LogEntry;
  /** `{s?, u}` — what is stored and sent. */
  readonly bytes: Uint8Array;
  /** The signed bytes `u`. */
  readonly signed: Uint8Array;
}

export function signingBytes(entry: UnsignedEntry): Uint8Array {
  const { author, seq, prev, hlc, tx } = entry;
  const creates = tx.creates.map(encodedOrResource);
  return encodeCanonical({ author, seq, prev, hlc, tx: { ...tx, creates } });
}

/** Builds and signs one entry (tests, tools, and anything that appends one entry at a time). */
export function createEntry(pair: KeyPair, unsigned: Omit<UnsignedEntry, 'author'>): SealedEntry {
  return signSealed(pair, createUnsignedEntry(pair.address, unsigned));
}

/** Builds an entry without a signature: a later signed entry of the same log will cover it. */
export function createUnsignedEntry(
  author: Address,
  unsigned: Omit<UnsignedEntry, 'author'>,
): SealedEntry {
  const entry: LogEntry = { ...unsigned, author };
  return remember(wrap(entry, signingBytes(entry)));
}

/** The same entry (same id and signed bytes) with `pair`'s signature. */
export function signSealed(pair: KeyPair, sealed: SealedEntry): SealedEntry {
  if (pair.address !== sealed.entry.author) {
    throw new SignatureError(`key ${pair.address} cannot sign an entry of ${sealed.entry.author}`);
  }
  const entry: LogEntry = { ...sealed.entry, sig: sign(pair, sealed.signed) };
  return remember(wrap(entry, sealed.signed, sealed.id));
}

function wrap(entry: LogEntry, signed: Uint8Array, id?: EntryId): SealedEntry {
  return {
    id: id ?? (hashBytes(signed) as EntryId),
    entry,
    bytes: sealedBytes(entry.sig, signed),
    signed,
  };
}

/** Entries decoded from the wire or built here keep their sealed form: no second encoding. */
const sealedByEntry = memo<SealedEntry>('sealed entry');

function remember(sealed: SealedEntry): SealedEntry {
  sealedByEntry.set(sealed.entry, sealed);
  return sealed;
}

export function seal(entry: LogEntry): SealedEntry {
  return sealedByEntry.get(entry) ?? remember(wrap(entry, signingBytes(entry)));
}

/**
 * Decodes stored or received entry bytes. The outer map must be canonical (else one entry could
 * travel in many byte forms); `u` needs no such check, as its hash is the entry's id and a
 * signature (its own or a successor's, through the chain) covers those exact bytes.
 */
export function unseal(bytes: Uint8Array): SealedEntry {
  const parts = splitSealed(bytes);
  if (!parts)
    throw new ChainError('entry bytes are not the canonical map {s?: signature, u: bytes}');
  let entry: LogEntry;
  try {
    const body = decodeCanonical<UnsignedEntry>(parts.u);
    entry = parts.s ? { ...body, sig: parts.s } : body;
  } catch (cause) {
    throw new ChainError(`entry bytes are malformed: ${(cause as Error).message}`, { cause });
  }
  const problem = entryShapeProblem(entry);
  if (problem !== undefined)
    throw new ChainError(`entry bytes do not decode to a log entry: ${problem}`);
  const sealed: SealedEntry = { id: hashBytes(parts.u) as EntryId, entry, bytes, signed: parts.u };
  rememberCreatedIds(sealed);
  return remember(sealed);
}

// The canonical encoding of {s, u} is map(2), "s", bytes(64) <sig>, "u", bytes(n) <u>; of {u}
// alone map(1), "u", bytes(n) <u>. Reading and writing it by hand checks canonical form exactly
// (no other bytes can pass) without a general CBOR encoder or decoder.
const SIGNED_PREFIX = [0xa2, 0x61, 0x73, 0x58, 0x40];
const UNSIGNED_PREFIX = [0xa1];
const U_KEY = [0x61, 0x75];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  for (let i = 0; i < prefix.length; i += 1) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function splitSealed(bytes: Uint8Array): { s?: Uint8Array; u: Uint8Array } | undefined {
  let at: number;
  if (bytes.length >= 5 + 64 + 3 && startsWith(bytes, SIGNED_PREFIX)) at = 5 + 64;
  else if (bytes.length >= 4 && startsWith(bytes, UNSIGNED_PREFIX)) at = 1;
  else return undefined;
  if (bytes[at] !== U_KEY[0] || bytes[at + 1] !== U_KEY[1]) return undefined;
  at += 2;
  const head = readMinimalHead(bytes, at, 2);
  if (!head) return undefined;
  const [length, start] = head;
  if (start + length !== bytes.length) return undefined;
  const u = bytes.subarray(start, start + length);
  return at === 3 ? { u } : { s: bytes.subarray(5, 5 + 64), u };
}

/** Writes `{s, u}` (or `{u}`) in canonical CBOR, the inverse of splitSealed. */
function sealedBytes(sig: Uint8Array | undefined, u: Uint8Array): Uint8Array {
  const prefix = sig ? SIGNED_PREFIX.length + 64 : UNSIGNED_PREFIX.length;
  const out = new Uint8Array(prefix + U_KEY.length + cborHeadLength(u.length) + u.length);
  if (sig) {
    if (sig.length !== 64) throw new SignatureError('an Ed25519 signature has 64 bytes');
    out.set(SIGNED_PREFIX, 0);
    out.set(sig, SIGNED_PREFIX.length);
  } else out.set(UNSIGNED_PREFIX, 0);
  out.set(U_KEY, prefix);
  out.set(u, writeCborHead(out, prefix + U_KEY.length, 2, u.length));
  return out;
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

/** An entry's fields: anything else would be signed and carried, yet mean nothing. */
const ENTRY_KEYS = new Set(['author', 'seq', 'prev', 'hlc', 'tx', 'sig']);

/** Longest address or entry id accepted: both are short base-encoded strings. */
const MAX_REF_LENGTH = 128;

/**
 * What is wrong with the fields of an entry, or undefined when every field has its type and
 * range: checked on every entry that arrives (wire and ingest), before anything adopts or
 * stores it. The transaction's own fields are the resource logics' business.
 */
export function entryShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'an entry is a map';
  const e = value as Record<string, unknown>;
  const extra = Object.keys(e).find((key) => !ENTRY_KEYS.has(key));
  if (extra !== undefined) return `unknown field ${showValue(extra)}`;
  if (typeof e.author !== 'string' || e.author.length === 0 || e.author.length > MAX_REF_LENGTH)
    return 'author must be an address';
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1)
    return `seq must be a positive safe integer, got ${showValue(e.seq)}`;
  if (e.prev !== null && (typeof e.prev !== 'string' || e.prev.length > MAX_REF_LENGTH))
    return 'prev must be an entry id or null';
  const clock = hlcFieldProblem(e.hlc);
  if (clock) return clock;
  if (typeof e.tx !== 'object' || e.tx === null) return 'tx must be a map';
  if (e.sig !== undefined && !(e.sig instanceof Uint8Array && e.sig.length === 64))
    return 'sig must be 64 bytes';
  return undefined;
}

/** True when the entry carries its author's valid signature (false when it carries none). */
export function hasValidSignature(entry: LogEntry): boolean {
  return sealedSignatureValid(seal(entry));
}

/**
 * Sealed entries whose signature was already found valid off the main thread (the gossip
 * signature worker, p2p/signature-checks.ts). Keyed by the object: a sealed entry is immutable
 * and its signature, author and signed bytes are the ones that were checked.
 */
const signatureChecked = new WeakSet<SealedEntry>();

/** Records that `sealed`'s signature verified elsewhere, so the next check is a lookup. */
export function markSignatureValid(sealed: SealedEntry): void {
  signatureChecked.add(sealed);
}

export function sealedSignatureValid(sealed: SealedEntry): boolean {
  if (signatureChecked.has(sealed)) return true;
  const { sig, author } = sealed.entry;
  return sig !== undefined && verify(author, sealed.signed, sig);
}

/** Where an author's log stands in a store: the last seq and its entry id. */
export interface LogHead {
  readonly seq: number;
  readonly id: EntryId;
}

/**
 * Checks that `run` (one author's entries, ascending) continues `head` without gap or fork and
 * links each entry to the one before, then checks signatures: every signed entry when `mode` is
 * 'each', only the newest signed one when 'newest' (it authenticates the chain behind it), none
 * when 'links'. Throws a typed error on the first broken link or bad signature checked.
 * Returns how many entries from the start of the run are authenticated: up to the last signed
 * entry ('links': all of them). Unsigned entries after it wait for a signed successor.
 * `existingAt(seq)` answers the id already stored at a seq at or below the head (fork check).
 */
export function verifyRun(
  run: readonly SealedEntry[],
  head: LogHead | undefined,
  existingAt: (seq: number) => EntryId | undefined,
  mode: 'each' | 'newest' | 'links',
): number {
  let expectedSeq = (head?.seq ?? 0) + 1;
  let expectedPrev: EntryId | null = head?.id ?? null;
  let lastSigned = -1;
  run.forEach((sealed, index) => {
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
    if (entry.sig !== undefined) {
      if (mode === 'each' && !sealedSignatureValid(sealed)) throw badSignature(sealed);
      lastSigned = index;
    }
    expectedSeq += 1;
    expectedPrev = id;
  });
  if (mode === 'links') return run.length;
  const newest = run[lastSigned];
  if (mode === 'newest' && newest && !sealedSignatureValid(newest)) throw badSignature(newest);
  return lastSigned + 1;
}

function badSignature(sealed: SealedEntry): SignatureError {
  return new SignatureError(`entry ${sealed.id} of ${sealed.entry.author} has a bad signature`);
}
