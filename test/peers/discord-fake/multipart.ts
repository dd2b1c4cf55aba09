/**
 * Discord's file uploads as the published API takes them: `multipart/form-data` with the JSON
 * body in a `payload_json` part (or as plain form fields) and the files in `files[n]` parts, `n`
 * being the `id` of the matching entry of the body's `attachments` array.
 */
import { createHash } from 'node:crypto';
import type { Json } from './state.js';

export interface UploadedFile {
  /** The form field: `files[0]`, `files[1]`… */
  readonly field: string;
  /** The `n` of `files[n]`. */
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly sha256: string;
}

const FILE_FIELD = /^files\[(\d+)\]$/;

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** The JSON body and the files of a multipart request. A malformed part is left out. */
export async function parseMultipart(
  raw: Buffer,
  contentType: string,
): Promise<{ body: Json; files: UploadedFile[] }> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  let body: Json = {};
  const fields: Json = {};
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value) as Json;
      else fields[field] = value;
      continue;
    }
    const index = FILE_FIELD.exec(field)?.[1];
    if (index === undefined) continue;
    const data = Buffer.from(await value.arrayBuffer());
    files.push({
      field,
      index: Number(index),
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      data,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  }
  return { body: { ...fields, ...body }, files };
}

/** The filename a file is stored under: the body's `attachments[id].filename` wins. */
export function uploadName(body: Json, file: UploadedFile): string {
  const entries = Array.isArray(body['attachments']) ? (body['attachments'] as Json[]) : [];
  const entry = entries.find((a) => String(a['id']) === String(file.index));
  return typeof entry?.['filename'] === 'string' ? entry['filename'] : file.filename;
}
