/**
 * Resource ids, slots and content blobs.
 *
 * A *slot* names what a resource is the current value of (the profile of a user, the role of a
 * user in a channel, a user's reaction with one emoji on a message). Replacing a resource means
 * consuming the live one in its slot and creating the new one; when two peers replace the same
 * resource concurrently, a deterministic rule picks the winner (see state/resolve.ts).
 */
import { decodeCanonical, encodeCanonical, hashBytes, hashOf } from './encoding.js';
import type { ContentHash, Resource, ResourceId, Role } from './types.js';

export function resourceIdOf(resource: Resource): ResourceId {
  return hashOf(resource) as ResourceId;
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
  }
}

export const roleRank: Readonly<Record<Role, number>> = {
  banned: 0,
  member: 1,
  moderator: 2,
  admin: 3,
};

/**
 * Message text is stored apart from the log as a blob `{n: nonce, t: text}`. The nonce makes the
 * hash unique per message, so deleting one message's content never deletes another's equal text.
 */
export function makeContent(nonce: string, text: string): { hash: ContentHash; bytes: Uint8Array } {
  const bytes = encodeCanonical({ n: nonce, t: text });
  return { hash: hashBytes(bytes) as ContentHash, bytes };
}

export function contentText(bytes: Uint8Array): string | undefined {
  try {
    const value = decodeCanonical<{ t?: unknown }>(bytes);
    return typeof value?.t === 'string' ? value.t : undefined;
  } catch {
    return undefined;
  }
}

export function contentMatches(hash: ContentHash, bytes: Uint8Array): boolean {
  return hashBytes(bytes) === hash;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
