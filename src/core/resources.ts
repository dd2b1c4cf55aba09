/**
 * Resource ids, slots and content blobs.
 *
 * A *slot* names what a resource is the current value of (the profile of a user, the role of a
 * user in a channel, a user's reaction with one emoji on a message). Replacing a resource means
 * consuming the live one in its slot and creating the new one; when two peers replace the same
 * resource concurrently, a deterministic rule picks the winner (see state/resolve.ts).
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { EncodedCbor } from './cbor-encode.js';
import { readMinimalHead } from './cbor-head.js';
import { decodeCanonical, encodeCanonical, hashBytes } from './encoding.js';
import { memo } from './memo.js';
import type { ContentHash, Resource, ResourceId, Role } from './types.js';

const idByResource = memo<ResourceId>('resource id');
/** Encodings of resources made here, reused when their transaction is encoded (see log.ts). */
const encodedByResource = memo<EncodedCbor>('resource encoding');

/**
 * Records the ids of a received transaction's resources, hashed from their spans in the signed
 * bytes (see cbor-spans.ts), so they need not be encoded again.
 */
export function rememberResourceIds(
  resources: readonly Resource[],
  ids: readonly ResourceId[],
): void {
  resources.forEach((resource, i) => {
    const id = ids[i];
    if (id) idByResource.set(resource, id);
  });
}

/** Cached per object: a transaction's resources are hashed for ids, slots and storage alike. */
export function resourceIdOf(resource: Resource): ResourceId {
  let id = idByResource.get(resource);
  if (!id) {
    const bytes = encodeCanonical(resource);
    id = hashBytes(bytes) as ResourceId;
    idByResource.set(resource, id);
    encodedByResource.set(resource, new EncodedCbor(bytes));
  }
  return id;
}

/** The resource's canonical encoding when it was already made for its id, else the resource. */
export function encodedOrResource(resource: Resource): EncodedCbor | Resource {
  return encodedByResource.get(resource) ?? resource;
}

export function slotOf(resource: Resource): string {
  switch (resource.kind) {
    case 'userProfile':
      return `profile:${resource.data.userId}`;
    case 'channel':
      return `channel:${resource.data.channelId}`;
    case 'channelAccess':
      return `access:${resource.data.channel}:${resource.data.user}`;
    case 'permissions':
      return `permissions:${resource.data.user}`;
    case 'message':
      return `message:${resourceIdOf(resource)}`;
    case 'edit':
      return `edit:${resource.data.message}`;
    case 'redaction':
      return `redaction:${resource.data.message}`;
    case 'reaction':
      return `reaction:${resource.data.message}:${resource.data.user}:${resource.data.emoji}`;
    case 'presence':
      return `presence:${resource.data.user}`;
    case 'keyShare':
      return `keyShare:${resource.data.channel}:${resource.data.sender}:${resource.data.chain}`;
  }
}

export const roleRank: Readonly<Record<Role, number>> = {
  banned: 0,
  member: 1,
  moderator: 2,
  admin: 3,
};

/**
 * Message text is stored apart from the log as a blob `{n: salt, t: text}`, and the log holds only
 * its hash. The random salt lives only in the blob: once the blob is deleted, nobody can confirm
 * a guess of the text against the public hash. It also makes equal texts distinct blobs, so
 * deleting one message's content never deletes another's.
 */
/**
 * The content blob of a text: `{n: salt, t: text}`, with `e: true` first for an emote (`/me`), so
 * the flag travels with the text over P2P and, sealed, in encrypted channels; an edit's blob
 * carries its own.
 */
export function makeContent(text: string, emote = false): { hash: ContentHash; bytes: Uint8Array } {
  const salt = randomSalt();
  const bytes = encodeCanonical(emote ? { e: true, n: salt, t: text } : { n: salt, t: text });
  return { hash: hashBytes(bytes) as ContentHash, bytes };
}

// randomBytes() per call is slow; draw salts from a pool refilled in large blocks.
let pool = randomBytes(4096);
let offset = 0;
function randomSalt(): Uint8Array {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

let counter = 0;
const prefix = randomBytes(6).toString('base64url');
/** Unique per resource created here: a random per-process prefix and a counter. */
export function uniqueNonce(): string {
  counter += 1;
  return `${prefix}.${counter.toString(36)}`;
}

export function contentText(bytes: Uint8Array): string | undefined {
  try {
    const value = decodeCanonical<{ t?: unknown }>(bytes);
    return typeof value?.t === 'string' ? value.t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text and emote flag of a content blob from one decode: a message view needs both, and
 * every message read or applied builds one (a page of 50 decoded each blob twice).
 */
export function contentParts(bytes: Uint8Array): { text: string | undefined; emote: boolean } {
  try {
    const value = decodeCanonical<{ t?: unknown; e?: unknown }>(bytes);
    return { text: typeof value?.t === 'string' ? value.t : undefined, emote: value?.e === true };
  } catch {
    return { text: undefined, emote: false };
  }
}

/** True when a content blob is an emote's (`e: true`). */
export function contentEmote(bytes: Uint8Array): boolean {
  try {
    return decodeCanonical<{ e?: unknown }>(bytes)?.e === true;
  } catch {
    return false;
  }
}

export function contentMatches(hash: ContentHash, bytes: Uint8Array): boolean {
  return hashBytes(bytes) === hash;
}

/**
 * The UTF-8 byte length of a content blob's text, read from its header without decoding, or
 * undefined when the blob is not the canonical `{n: <bytes>, t: <text>}` (or an emote's
 * `{e: true, n, t}`) with valid UTF-8 text. Peers' content is checked this way against the
 * length its message declares.
 */
export function contentTextLength(bytes: Uint8Array): number | undefined {
  // map(2), or map(3) with "e" (0x61 0x65) true (0xf5) first; then "n" (0x61 0x6e), a byte
  // string, "t" (0x61 0x74), a text string, nothing after.
  const emote = bytes[0] === 0xa3 && bytes[1] === 0x61 && bytes[2] === 0x65 && bytes[3] === 0xf5;
  const n = emote ? 4 : 1;
  if ((!emote && bytes[0] !== 0xa2) || bytes[n] !== 0x61 || bytes[n + 1] !== 0x6e) return undefined;
  const salt = readMinimalHead(bytes, n + 2, 2);
  if (!salt) return undefined;
  const at = salt[1] + salt[0];
  if (bytes[at] !== 0x61 || bytes[at + 1] !== 0x74) return undefined;
  const text = readMinimalHead(bytes, at + 2, 3);
  if (!text || text[1] + text[0] !== bytes.length) return undefined;
  return isUtf8(bytes.subarray(text[1])) ? text[0] : undefined;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
