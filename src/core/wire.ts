/**
 * How entries and presence travel between peers: canonical CBOR around the entry's own canonical
 * bytes (so the receiver hashes exactly what the author signed) and the content it points to.
 */
import { decodeCanonical, encodeCanonical } from './encoding.js';
import { CoreError } from './errors.js';
import { seal, unseal, type SealedEntry } from './log.js';
import { encodeWireEnvelope } from './wire-envelope.js';
import type { ContentHash, EntryEnvelope, SignedPresence } from './types.js';

export class MalformedWireError extends CoreError {
  readonly code = 'malformed_wire';
}

interface WireEnvelope {
  v: 1;
  e: Uint8Array;
  c: Record<string, Uint8Array>;
}

export function encodeSealedEnvelope(
  sealed: SealedEntry,
  contents: ReadonlyMap<ContentHash, Uint8Array>,
): Uint8Array {
  // Written by hand around the stored bytes: the same bytes as the canonical encoder would
  // write for {v, e, c}, without walking them (test/unit/p2p/wire-read.test.ts).
  return encodeWireEnvelope(sealed.bytes, contents);
}

export function encodeEnvelope(envelope: EntryEnvelope): Uint8Array {
  return encodeSealedEnvelope(seal(envelope.entry), envelope.contents);
}

/** An entry in sealed form with the content it points to. */
export interface SealedEnvelope {
  readonly sealed: SealedEntry;
  readonly contents: ReadonlyMap<ContentHash, Uint8Array>;
}

/** Decodes an envelope; throws MalformedWireError naming what is wrong. */
export function decodeSealedEnvelope(bytes: Uint8Array): {
  sealed: SealedEntry;
  contents: Map<ContentHash, Uint8Array>;
} {
  let wire: WireEnvelope;
  try {
    wire = decodeCanonical<WireEnvelope>(bytes);
  } catch (cause) {
    throw new MalformedWireError('envelope is not valid CBOR', { cause });
  }
  if (
    typeof wire !== 'object' ||
    wire === null ||
    wire.v !== 1 ||
    !(wire.e instanceof Uint8Array)
  ) {
    throw new MalformedWireError('envelope lacks version 1 or entry bytes');
  }
  const contents = new Map<ContentHash, Uint8Array>();
  for (const [hash, body] of Object.entries(wire.c ?? {})) {
    if (!(body instanceof Uint8Array)) throw new MalformedWireError(`content ${hash} is not bytes`);
    contents.set(hash as ContentHash, body);
  }
  try {
    return { sealed: unseal(wire.e), contents };
  } catch (cause) {
    throw new MalformedWireError(`envelope entry is malformed: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * A gossip message: one author's consecutive entries on one topic, the newest signed (it
 * authenticates the others). A single entry travels as its plain envelope; a run as the CBOR
 * array of its envelopes' bytes.
 */
export function encodeEntryRun(run: readonly SealedEnvelope[]): Uint8Array {
  const encoded = run.map((e) => encodeSealedEnvelope(e.sealed, e.contents));
  return encoded.length === 1 ? encoded[0]! : encodeCanonical(encoded);
}

/** Decodes a gossip message (see encodeEntryRun); throws MalformedWireError. */
export function decodeEntryRun(bytes: Uint8Array): SealedEnvelope[] {
  // A CBOR array starts with major type 4; an envelope is a map (major type 5).
  if (bytes.length === 0 || bytes[0]! >> 5 !== 4) return [decodeSealedEnvelope(bytes)];
  let items: unknown;
  try {
    items = decodeCanonical<unknown>(bytes);
  } catch (cause) {
    throw new MalformedWireError('entry run is not valid CBOR', { cause });
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_RUN) {
    throw new MalformedWireError(`an entry run holds 1 to ${MAX_RUN} envelopes`);
  }
  return items.map((item) => {
    if (!(item instanceof Uint8Array)) throw new MalformedWireError('run item is not bytes');
    return decodeSealedEnvelope(item);
  });
}

/** Most entries in one gossip message (the batch signer signs at least every 128). */
const MAX_RUN = 512;

export function decodeEnvelope(bytes: Uint8Array): EntryEnvelope {
  const { sealed, contents } = decodeSealedEnvelope(bytes);
  return { entry: sealed.entry, contents };
}

/**
 * `nonce`, outside the signed part, makes two publishes of one announcement different bytes:
 * gossipsub drops a message whose id (for presence, the hash of its bytes) it has seen, so a
 * re-announce to a newly connected peer would otherwise never leave this node.
 */
export function encodeSignedPresence(presence: SignedPresence, nonce?: Uint8Array): Uint8Array {
  const { author, presence: data, sig } = presence;
  return encodeCanonical({ v: 1, author, presence: data, sig, ...(nonce && { n: nonce }) });
}

export function decodeSignedPresence(bytes: Uint8Array): SignedPresence {
  let value: Record<string, unknown>;
  try {
    value = decodeCanonical<Record<string, unknown>>(bytes);
  } catch (cause) {
    throw new MalformedWireError('presence is not valid CBOR', { cause });
  }
  if (
    typeof value?.author !== 'string' ||
    typeof value.presence !== 'object' ||
    !(value.sig instanceof Uint8Array)
  ) {
    throw new MalformedWireError('presence lacks author, presence or sig');
  }
  // Only the signed announcement: the version and the nonce are not part of it.
  const { author, presence, sig } = value as unknown as SignedPresence;
  return { author, presence, sig };
}
