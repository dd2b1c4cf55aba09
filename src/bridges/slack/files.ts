/**
 * Files through Slack's current upload flow (the one that replaced `files.upload`):
 * `files.getUploadURLExternal` (name, length) → POST the bytes to the returned `upload_url` →
 * `files.completeUploadExternal` shares the file into the channel (and thread). Attachments
 * arrive as URLs, so the adapter fetches them first, bounded by `maxAttachmentBytes`.
 */
import type { webApi } from '@slack/bolt';
import type { Attachment } from '../types.js';
import { AttachmentFetchError, SlackUnavailableError } from './errors.js';
import { assertPublicUrl } from './url-guard.js';

export interface UploadTarget {
  readonly channel: string;
  readonly threadTs?: string | undefined;
}

/** Fetches `attachment` and shares it at `target`. @throws AttachmentFetchError, or a Web API error. */
export interface UploadLimits {
  readonly maxBytes: number;
  /** Fetch from loopback and private addresses too (see `url-guard.ts`). */
  readonly allowPrivate: boolean;
}

export async function uploadAttachment(
  web: webApi.WebClient,
  target: UploadTarget,
  attachment: Attachment,
  limits: UploadLimits,
): Promise<string> {
  if (!limits.allowPrivate) await assertPublicUrl(attachment.url);
  const bytes = await download(attachment.url, limits.maxBytes);
  const name = attachment.name || 'file';
  const slot = await web.files.getUploadURLExternal({ filename: name, length: bytes.byteLength });
  if (!slot.upload_url || !slot.file_id)
    throw new SlackUnavailableError('files.getUploadURLExternal gave no upload_url');
  const posted = await fetch(slot.upload_url, {
    method: 'POST',
    headers: { 'content-type': attachment.mimeType ?? 'application/octet-stream' },
    body: bytes,
    signal: AbortSignal.timeout(60_000),
  });
  if (!posted.ok) throw new SlackUnavailableError(`file upload answered HTTP ${posted.status}`);
  await web.files.completeUploadExternal({
    files: [{ id: slot.file_id, title: name }],
    channel_id: target.channel,
    ...(target.threadTs !== undefined && { thread_ts: target.threadTs }),
  });
  return slot.file_id;
}

async function download(url: string, maxBytes: number): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new AttachmentFetchError(url, 'not an http(s) URL');
  let res: Response;
  try {
    // No redirects: a public URL must not bounce the fetch to a private one.
    res = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'error' });
  } catch (error) {
    throw new AttachmentFetchError(url, error instanceof Error ? error.message : String(error));
  }
  if (!res.ok || !res.body) throw new AttachmentFetchError(url, `HTTP ${res.status}`);
  const announced = Number(res.headers.get('content-length') ?? 0);
  if (announced > maxBytes) {
    await res.body.cancel();
    throw new AttachmentFetchError(url, `larger than ${maxBytes} bytes`);
  }
  // Counted while reading: a missing or false Content-Length must not let a huge body in.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new AttachmentFetchError(url, `larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
