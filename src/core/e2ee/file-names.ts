/**
 * File names of an encrypted channel's messages travel sealed: the transaction's attachments
 * carry an empty `name`, and the plaintext content blob `{n, t}` gains `a`, the names in
 * attachment order. Members' nodes put them back when they build a message view.
 */
import { decodeCanonical, encodeCanonical } from '../encoding.js';
import type { Attachment } from '../types.js';

/** The plaintext blob with the names added (`plain` is the `{n, t}` blob makeContent wrote). */
export function withFileNames(plain: Uint8Array, names: readonly string[]): Uint8Array {
  const blob = decodeCanonical<{ e?: true; n: Uint8Array; t: string }>(plain);
  return encodeCanonical({ ...(blob.e === true && { e: true }), n: blob.n, t: blob.t, a: names });
}

/** The names a plaintext blob carries, or undefined (none, or not a list of texts). */
export function fileNamesOf(plain: Uint8Array): string[] | undefined {
  try {
    const a = decodeCanonical<{ a?: unknown }>(plain)?.a;
    return Array.isArray(a) && a.every((x) => typeof x === 'string') ? (a as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Attachments with their sealed names put back, when the counts agree. */
export function restoreFileNames(
  attachments: readonly Attachment[],
  names: readonly string[] | undefined,
): Attachment[] {
  if (!names || names.length !== attachments.length) return [...attachments];
  return attachments.map((a, i) => ({ ...a, name: names[i]! }));
}
