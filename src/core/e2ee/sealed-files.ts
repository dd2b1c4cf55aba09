/**
 * What a message of an encrypted channel says about its files, sealed in its content blob: the
 * names (`a`, file-names.ts) and, per file, `f`: the sealed blob's hash, the key of its bytes
 * (blob-crypt.ts), and the plaintext's size, type and image dimensions. The transaction's
 * attachment carries only the sealed blob's hash and size and a generic type, which is all a
 * relay learns; members' nodes put the rest back when they build a message view or serve a file.
 */
import { decodeCanonical, encodeCanonical } from '../encoding.js';
import type { Attachment } from '../types.js';

export interface SealedFile {
  /** Hash of the sealed bytes (the attachment's blob). */
  readonly c: string;
  /** The 32-byte AES-256-GCM key of the bytes. */
  readonly k: Uint8Array;
  /** Plaintext size. */
  readonly s: number;
  readonly m?: string;
  readonly w?: number;
  readonly h?: number;
}

/** The plaintext blob `{n, t}` with the names and (when any) the sealed files added. */
export function withSealedFiles(
  plain: Uint8Array,
  names: readonly string[],
  files: readonly (SealedFile | null)[],
): Uint8Array {
  const blob = decodeCanonical<{ n: Uint8Array; t: string }>(plain);
  const any = files.some((f) => f !== null);
  return encodeCanonical({ n: blob.n, t: blob.t, a: names, ...(any && { f: files }) });
}

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isSealedFile(v: unknown): v is SealedFile {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    typeof f['c'] === 'string' &&
    f['k'] instanceof Uint8Array &&
    f['k'].length === 32 &&
    isCount(f['s']) &&
    (f['m'] === undefined || typeof f['m'] === 'string') &&
    (f['w'] === undefined || isCount(f['w'])) &&
    (f['h'] === undefined || isCount(f['h']))
  );
}

/** The sealed files a plaintext blob lists, in attachment order (null: not sealed); [] when none. */
export function sealedFilesOf(plain: Uint8Array): (SealedFile | null)[] {
  try {
    const f = decodeCanonical<{ f?: unknown }>(plain)?.f;
    if (!Array.isArray(f)) return [];
    return f.map((x) => (isSealedFile(x) ? x : null));
  } catch {
    return [];
  }
}

/** Attachments with what their sealed entries say put back (type, size, dimensions). */
export function restoreSealedFiles(
  attachments: readonly Attachment[],
  files: readonly (SealedFile | null)[],
): Attachment[] {
  return attachments.map((a, i) => {
    const f = files[i];
    if (!f || f.c !== a.hash) return a;
    const { width: _w, height: _h, ...rest } = a;
    return {
      ...rest,
      size: f.s,
      ...(f.m !== undefined && { mimeType: f.m }),
      ...(f.w !== undefined && { width: f.w }),
      ...(f.h !== undefined && { height: f.h }),
    };
  });
}
