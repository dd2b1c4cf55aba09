/**
 * Files the router asks to send, made ready for Discord's multipart upload (`files[n]` beside
 * `payload_json`, which discord.js's REST builds from `files`). A file is uploaded only when it
 * fits `maxAttachmentBytes`, its bytes can be read, and it is among the first ten (Discord's
 * limit per message); any other goes as a `name: url` line in the text (the gateway's signed
 * link), and why is logged. A file never loses the message.
 */
import { DiscordAPIError, HTTPError, type RawFile } from 'discord.js';
import type { AdapterLogger, OutboundAttachment } from '../types.js';
import { DiscordFileReadError, DiscordFileTooLargeError } from './errors.js';

/** Discord takes at most ten files in one message. */
export const MAX_FILES = 10;
/** Discord's JSON error code for a request body over the upload limit (with HTTP 413). */
export const REQUEST_TOO_LARGE = 40005;

export interface Upload {
  readonly name: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  /** The text line that stands in for the file when Discord refuses the upload. */
  readonly link: string;
}

export interface PreparedFiles {
  readonly uploads: readonly Upload[];
  /** Lines for the text: files that are not uploaded. */
  readonly links: readonly string[];
}

export const NO_FILES: PreparedFiles = { uploads: [], links: [] };

/** The line a file is replaced by in the text. */
export function linkLine(file: OutboundAttachment): string {
  return `${file.name}: ${file.url}`;
}

/** Reads the files that can be uploaded; the others become link lines (each logged). */
export async function prepareFiles(
  files: readonly OutboundAttachment[],
  maxBytes: number,
  logger: AdapterLogger,
): Promise<PreparedFiles> {
  const uploads: Upload[] = [];
  const links: string[] = [];
  for (const file of files) {
    if (uploads.length >= MAX_FILES) {
      logger.warn(
        { file: file.name },
        `discord: more than ${MAX_FILES} files in one message; this one goes as a link`,
      );
      links.push(linkLine(file));
      continue;
    }
    try {
      uploads.push({
        name: file.name,
        contentType: file.mimeType,
        data: await readFile(file, maxBytes),
        link: linkLine(file),
      });
    } catch (error) {
      logger.warn(
        { file: file.name, size: file.size, err: String(error) },
        'discord: file not uploaded; it goes as a link',
      );
      links.push(linkLine(file));
    }
  }
  return { uploads, links };
}

/** The files as discord.js's REST sends them (`files[0]`, `files[1]`…). */
export function restFiles(uploads: readonly Upload[]): RawFile[] {
  return uploads.map((u) => ({ name: u.name, data: u.data, contentType: u.contentType }));
}

/** `payload_json.attachments`: the id of each entry is the index of its `files[n]` part. */
export function attachmentsField(uploads: readonly Upload[]): { id: number; filename: string }[] {
  return uploads.map((u, id) => ({ id, filename: u.name }));
}

/** True when Discord refused a request because of its size (413, or error 40005). */
export function refusedAsTooLarge(error: unknown): boolean {
  if (error instanceof DiscordAPIError)
    return error.status === 413 || error.code === REQUEST_TOO_LARGE;
  return error instanceof HTTPError && error.status === 413;
}

/**
 * The whole file, at most `maxBytes`.
 * @throws DiscordFileTooLargeError, DiscordFileReadError
 */
async function readFile(file: OutboundAttachment, maxBytes: number): Promise<Uint8Array> {
  if (file.size > maxBytes) throw new DiscordFileTooLargeError(file.name, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = await file.open();
    for await (const chunk of stream.body) {
      size += chunk.byteLength;
      // `size` is what the router announced; the bytes themselves decide.
      if (size > maxBytes) throw new DiscordFileTooLargeError(file.name, maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof DiscordFileTooLargeError) throw error;
    throw new DiscordFileReadError(file.name, error);
  }
  return Buffer.concat(chunks);
}
