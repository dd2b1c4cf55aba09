/**
 * Files through Slack's current upload flow (the one that replaced `files.upload`):
 * `files.getUploadURLExternal` (name, length) → POST the bytes to the returned `upload_url` →
 * `files.completeUploadExternal` shares the file into the channel (and thread). Attachments
 * arrive as URLs written on other networks, so the adapter fetches them first through the shared
 * URL fetcher (`../net`: an internal address is refused, so nobody can make the gateway publish
 * what it alone can reach), bounded by `maxAttachmentBytes`. The `upload_url` comes from Slack's
 * own API answer and is posted to directly.
 */
import type { webApi } from '@slack/bolt';
import { UrlFetchError, UrlFetcher, type FetchPolicyOptions } from '../net/index.js';
import type { Attachment } from '../types.js';
import { AttachmentFetchError, SlackUnavailableError } from './errors.js';

export interface UploadTarget {
  readonly channel: string;
  readonly threadTs?: string | undefined;
}

export interface UploadLimits {
  /** Slack's own limit (`maxAttachmentBytes`); the fetch policy's `maxBytes` also applies. */
  readonly maxBytes: number;
  /** The fetch policy (`media:`): which addresses may be fetched from, size and time limits. */
  readonly fetch: FetchPolicyOptions;
}

/** Fetches `attachment` and shares it at `target`. @throws AttachmentFetchError, or a Web API error. */
export async function uploadAttachment(
  web: webApi.WebClient,
  target: UploadTarget,
  attachment: Attachment,
  limits: UploadLimits,
): Promise<string> {
  const bytes = await download(attachment.url, limits);
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

/** Through the shared fetcher: no internal address, every redirect re-checked, bounded. */
async function download(url: string, limits: UploadLimits): Promise<Uint8Array> {
  try {
    const file = await new UrlFetcher(limits.fetch).fetch(url, { maxBytes: limits.maxBytes });
    return file.data;
  } catch (error) {
    if (error instanceof UrlFetchError) throw new AttachmentFetchError(url, error.message, error);
    throw error;
  }
}
