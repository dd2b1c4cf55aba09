/**
 * External ids of Discord messages as the router stores them. A message in a channel is its
 * snowflake; a message inside a thread is `<thread id>/<message id>`, because every route that
 * touches it later (edit, delete, react, jump link) needs the thread, and an edit or delete after
 * a restart has nothing else to find it by. Inbound references (replies, reactions, deletes)
 * carry the channel id too, so both directions produce the same id for one message.
 */
import { createHash } from 'node:crypto';
import type { ExternalMessageId } from '../types.js';

export interface MessageRef {
  /** The thread the message lives in, when it is not in the channel itself. */
  readonly threadId?: string;
  readonly messageId: string;
}

/** The external id of message `messageId` posted in `threadId` (undefined: the channel). */
export function encodeMessageId(messageId: string, threadId?: string): ExternalMessageId {
  return (threadId === undefined ? messageId : `${threadId}/${messageId}`) as ExternalMessageId;
}

/** Inverse of `encodeMessageId`. */
export function decodeMessageId(id: ExternalMessageId | string): MessageRef {
  const slash = id.indexOf('/');
  if (slash < 0) return { messageId: id };
  return { threadId: id.slice(0, slash), messageId: id.slice(slash + 1) };
}

/**
 * The thread that hangs off a message: Discord gives a thread started from a message the
 * message's own id, so a thread root's thread id is its message id.
 */
export function threadOfRoot(root: ExternalMessageId): string {
  const ref = decodeMessageId(root);
  return ref.messageId;
}

/**
 * A Discord `nonce` (at most 25 characters) derived from the router's idempotency key and the
 * part number of a split text, so every retry of one delivery sends the same nonce.
 */
export function nonceFor(idempotencyKey: string, part: number): string {
  return createHash('sha256').update(`${idempotencyKey}#${part}`).digest('base64url').slice(0, 25);
}

/** True for a string that looks like a snowflake (17–20 digits). */
export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^\d{15,20}$/.test(value);
}
