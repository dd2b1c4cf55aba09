/**
 * Files of an exported message. With Slack configured (`bridges.slack`), a file is fetched the
 * way the live adapter fetches one (export/../file-reader.ts: the bot token, only from Slack's own
 * file host, the `media:` limits) and stored as a blob; when it cannot be had (no Slack config,
 * a deleted file, an address the fetch policy refuses), the importer keeps it as a link to the
 * file's page (`permalink`, else its URL) in the message's text.
 */
import type { InboundAttachment, MediaStream } from '../../types.js';
import { readConfig } from '../config.js';
import { SlackFileReader } from '../file-reader.js';
import { ExportFileUnavailableError } from './errors.js';
import type { FileMapper, RawFile } from './reader.js';

/** `slack`: the raw `bridges.slack` section (undefined when Slack is not configured). */
export function exportFiles(slack: unknown, media?: Readonly<Record<string, unknown>>): FileMapper {
  if (slack === undefined || slack === null) return linkOnly;
  const config = readConfig(media ? { ...(slack as object), media } : slack);
  const reader = new SlackFileReader({
    botToken: config.botToken,
    apiUrl: config.apiUrl,
    fetch: config.media,
  });
  return (file) => reader.attachment(file);
}

function linkOnly(file: RawFile): InboundAttachment {
  const url = file.permalink ?? file.url_private;
  return {
    name: file.name || file.title || file.id,
    ...(file.mimetype && { mimeType: file.mimetype }),
    ...(file.size !== undefined && { size: file.size }),
    ...(url && { url }),
    open: (): Promise<MediaStream> => Promise.reject(new ExportFileUnavailableError(file.id)),
  };
}
