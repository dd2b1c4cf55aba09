/**
 * Outbound files through Slack's files v2 flow, as documented: `files.getUploadURLExternal`
 * (filename, length) → POST the bytes to the returned `upload_url` → `files.completeUploadExternal`
 * shares the uploaded files into the channel (and thread). Until completed a file is private to
 * the app, so uploading comes first and sharing last.
 *
 * Why not the client's `files.uploadV2` helper: it reads a stream whole into memory to learn its
 * length (we know the size already) and fails all files at once; calling the two Web API
 * methods through the same `WebClient` keeps the custom API base, the token and the client's
 * retries, and the bytes stream from the node's blob store straight to the `upload_url`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { webApi } from '@slack/bolt';
import type { AdapterLogger, OutboundAttachment, SenderDisplay } from '../types.js';
import {
  SlackFileTooLargeError,
  SlackRateLimitedError,
  SlackUnavailableError,
  SlackUploadError,
} from './errors.js';
import { toDeliveryError } from './failures.js';

export interface UploadedFile {
  readonly id: string;
  readonly title: string;
  readonly attachment: OutboundAttachment;
}

/** Where the uploaded files are shared, and who they are from. */
export interface ShareTarget {
  readonly channel: string;
  readonly threadTs?: string | undefined;
  readonly sender: SenderDisplay;
}

export interface UploadLimits {
  /** `maxAttachmentBytes`: larger files go as links. */
  readonly maxBytes: number;
  /** Sending one file's bytes to its upload_url. */
  readonly timeoutMs: number;
}

/**
 * Uploads each file; one that cannot be uploaded (bytes unreadable, too large, refused) is
 * logged and returned in `failed`, to travel as its link. A 429 is thrown instead: nothing is
 * visible yet, so the router may simply try the send again later.
 */
export async function uploadAll(
  web: webApi.WebClient,
  attachments: readonly OutboundAttachment[],
  options: { readonly limits: UploadLimits; readonly logger: AdapterLogger },
): Promise<{ uploaded: UploadedFile[]; failed: OutboundAttachment[] }> {
  const uploaded: UploadedFile[] = [];
  const failed: OutboundAttachment[] = [];
  for (const attachment of attachments) {
    try {
      uploaded.push(await uploadFile(web, attachment, options.limits));
    } catch (error) {
      const failure =
        error instanceof SlackUploadError || error instanceof SlackFileTooLargeError
          ? error
          : toDeliveryError(error, 'files.getUploadURLExternal');
      if (failure instanceof SlackRateLimitedError) throw failure;
      options.logger.warn(
        { file: attachment.name, hash: attachment.hash, err: String(failure) },
        'slack: file not uploaded; sent as a link',
      );
      failed.push(attachment);
    }
  }
  return { uploaded, failed };
}

/**
 * Uploads one file (not yet visible anywhere). @throws SlackFileTooLargeError, SlackUploadError,
 * or the Web API's error for getUploadURLExternal (a 429 among them).
 */
export async function uploadFile(
  web: webApi.WebClient,
  attachment: OutboundAttachment,
  limits: UploadLimits,
): Promise<UploadedFile> {
  const name = attachment.name || 'file';
  if (attachment.size > limits.maxBytes) {
    throw new SlackFileTooLargeError(name, attachment.size, limits.maxBytes);
  }
  const slot = await web.files.getUploadURLExternal({ filename: name, length: attachment.size });
  if (!slot.upload_url || !slot.file_id) {
    throw new SlackUnavailableError('files.getUploadURLExternal gave no upload_url');
  }
  await postBytes(slot.upload_url, attachment, limits.timeoutMs);
  return { id: slot.file_id, title: name, attachment };
}

/** Shares uploaded files in one message of the bot, introduced by who sent them. */
export async function shareFiles(
  web: webApi.WebClient,
  target: ShareTarget,
  files: readonly UploadedFile[],
): Promise<void> {
  const [first, ...rest] = files.map((f) => ({ id: f.id, title: f.title }));
  if (!first) return;
  await web.files.completeUploadExternal({
    files: [first, ...rest],
    channel_id: target.channel,
    ...(target.threadTs !== undefined && { thread_ts: target.threadTs }),
    initial_comment: introduction(target.sender.name, files.length),
  });
}

/**
 * Files v2 posts as the bot, never under the person's custom name, so the share says whose
 * files these are: "*alice* shared a file". Formatting characters and Slack's `<…>` controls
 * are taken out of the name, so a name can neither style the line nor ping anyone.
 */
export function introduction(name: string, count: number): string {
  const clean = name
    .replace(/[*_~`]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
  const who = clean.replace(/>/g, '&gt;').trim() || 'someone';
  return `*${who}* shared ${count === 1 ? 'a file' : `${count} files`}`;
}

/**
 * POSTs the raw bytes (the documented alternative to multipart) with the exact length announced
 * to getUploadURLExternal; a stream that yields more or fewer bytes aborts the upload.
 */
async function postBytes(
  uploadUrl: string,
  attachment: OutboundAttachment,
  timeoutMs: number,
): Promise<void> {
  const name = attachment.name;
  let stream;
  try {
    stream = await attachment.open();
  } catch (error) {
    throw new SlackUploadError(name, `reading the bytes failed: ${String(error)}`, error);
  }
  const url = new URL(uploadUrl);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(timeoutMs);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': attachment.mimeType || 'application/octet-stream',
        'content-length': String(attachment.size),
      },
      signal,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    void (async () => {
      let sent = 0;
      for await (const chunk of stream.body) {
        sent += chunk.byteLength;
        if (sent > attachment.size) throw new Error(`more than the announced ${attachment.size}`);
        if (req.destroyed) break;
        // Wait for the socket to take more; a socket closed meanwhile ends the loop above.
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r).once('close', r));
      }
      if (req.destroyed) return;
      if (sent !== attachment.size) throw new Error(`${sent} bytes, ${attachment.size} announced`);
      req.end();
    })().catch((error: unknown) => {
      req.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  }).catch((error: unknown) => {
    throw new SlackUploadError(name, `sending the bytes failed: ${String(error)}`, error);
  });
  if (status < 200 || status > 299) {
    throw new SlackUploadError(name, `the upload URL answered HTTP ${status}`);
  }
}
