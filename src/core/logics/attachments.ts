/**
 * The shape of a message's files and mentions, checked alike for a local send (intents.ts) and
 * for an entry from a peer (message.ts): a hostile peer cannot make every replica store and
 * serve a thousand files, a `javascript:` link or a mention that is not a user id. Entries of
 * 0.3 (url-only attachments, no mentions) pass unchanged.
 */
import { isBlobHash } from '../blobs/blob-hash.js';

export const MAX_ATTACHMENTS = 10;
export const MAX_MENTIONS = 50;
export const MAX_ATTACHMENT_NAME = 255;
const MAX_URL = 2048;
const MAX_MIME = 255;
const ATTACHMENT_KEYS = new Set(['hash', 'url', 'name', 'mimeType', 'size', 'width', 'height']);
/** A native user's address (base64url of 32 bytes) or a bridged id (`b_` + 32 characters). */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function attachmentProblem(a: unknown, i: number): string | undefined {
  const at = `attachments[${i}]`;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return `${at} must be an object`;
  const o = a as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !ATTACHMENT_KEYS.has(k));
  if (extra !== undefined) return `${at} has an unknown field ${JSON.stringify(extra)}`;
  if (o.hash === undefined && o.url === undefined) return `${at} needs a hash or a url`;
  if (o.hash !== undefined && !isBlobHash(o.hash)) {
    return `${at}.hash must be 64 lowercase hex digits (sha256)`;
  }
  if (o.url !== undefined && (typeof o.url !== 'string' || !isHttpUrl(o.url))) {
    return `${at}.url must be an http(s) URL of at most ${MAX_URL} characters`;
  }
  // Characters (code points), as the API's JSON Schema counts them.
  if (typeof o.name !== 'string' || [...o.name].length > MAX_ATTACHMENT_NAME) {
    return `${at}.name must be a string of at most ${MAX_ATTACHMENT_NAME} characters`;
  }
  if (
    o.mimeType !== undefined &&
    (typeof o.mimeType !== 'string' || o.mimeType.length > MAX_MIME)
  ) {
    return `${at}.mimeType must be a string of at most ${MAX_MIME} characters`;
  }
  for (const field of ['size', 'width', 'height'] as const) {
    if (o[field] !== undefined && !isCount(o[field])) {
      return `${at}.${field} must be a non-negative integer`;
    }
  }
  return undefined;
}

/** Why `value` is not a valid attachments list, or undefined when it is (or is absent). */
export function attachmentsProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'attachments must be a list';
  if (value.length > MAX_ATTACHMENTS) {
    return `a message has at most ${MAX_ATTACHMENTS} attachments, not ${value.length}`;
  }
  for (const [i, a] of value.entries()) {
    const problem = attachmentProblem(a, i);
    if (problem) return problem;
  }
  return undefined;
}

/** Why `value` is not a valid mentions list, or undefined when it is (or is absent). */
export function mentionsProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'mentions must be a list of user ids';
  if (value.length > MAX_MENTIONS) {
    return `a message mentions at most ${MAX_MENTIONS} people, not ${value.length}`;
  }
  const seen = new Set<string>();
  for (const [i, id] of value.entries()) {
    if (typeof id !== 'string' || !USER_ID.test(id)) return `mentions[${i}] is not a user id`;
    if (seen.has(id)) return `mentions[${i}] names ${id} twice`;
    seen.add(id);
  }
  return undefined;
}
