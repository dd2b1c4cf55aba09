/**
 * Matrix files → the contract's inbound attachments. `m.image`, `m.file`, `m.video`, `m.audio`
 * and stickers (`m.sticker`, an image) carry an `mxc://` URI; the attachment reads it through
 * authenticated media with the appservice token (`HomeserverMedia`) and has no `url`, since an
 * mxc link opens nowhere outside Matrix. A caption is the `body` when it differs from `filename`
 * (MSC2530); otherwise the body is the file's name and the message's text is empty.
 * An encrypted file (`file` instead of `url`, an encrypted room) is read the same way and
 * decrypted while it streams, its SHA-256 checked (./crypto/attachment.ts); a `file` that cannot
 * be decrypted as given becomes a note in the text, counted.
 */
import type { InboundAttachment, MediaStream } from '../types.js';
import { openFile, readEncryptedFile } from './crypto/attachment.js';
import { EncryptedFileInvalidError } from './crypto/errors.js';
import { BadMxcUriError } from './errors.js';
import { parseMxc } from './media-download.js';

type Content = Record<string, unknown>;

const MEDIA_MSGTYPES = new Set(['m.image', 'm.file', 'm.video', 'm.audio']);

/** Why a file was not carried (counted and logged by the caller). */
export type NotCarried = 'encrypted' | 'bad-uri' | 'no-url';

export interface MediaMessage {
  /** True when the event's body is a caption, not the file's name. */
  readonly captioned: boolean;
  readonly attachments: InboundAttachment[];
  /** Plain-text notes for files that could not be carried (`[encrypted file not carried: x]`). */
  readonly notes: string[];
  readonly notCarried?: NotCarried;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** True for the events this module handles. */
export function isMediaEvent(type: string, content: Content): boolean {
  return (
    type === 'm.sticker' ||
    (type === 'm.room.message' && MEDIA_MSGTYPES.has(String(content['msgtype'])))
  );
}

/** The attachments (or notes) of a media event. */
export function mediaMessage(
  type: string,
  content: Content,
  open: (mxc: string) => Promise<MediaStream>,
): MediaMessage {
  const sticker = type === 'm.sticker';
  const body = str(content['body']);
  const filename = str(content['filename']);
  const name = filename ?? body ?? (sticker ? 'sticker' : 'file');
  // A sticker's body describes the picture; it is its name, never a caption.
  const captioned = !sticker && filename !== undefined && body !== undefined && body !== filename;
  let url = content['url'];
  let sealed: ReturnType<typeof readEncryptedFile> | undefined;
  if (typeof url !== 'string' && typeof content['file'] === 'object' && content['file'] !== null) {
    try {
      sealed = readEncryptedFile(content['file']);
      url = sealed.url;
    } catch (error) {
      if (!(error instanceof EncryptedFileInvalidError)) throw error;
      return {
        captioned,
        attachments: [],
        notes: [`[encrypted file not carried: ${name}]`],
        notCarried: 'encrypted',
      };
    }
  }
  if (typeof url !== 'string') {
    // A sticker without an image is written out by rule; any other file is a loss to count.
    if (sticker) return { captioned, attachments: [], notes: [`[sticker: ${name}]`] };
    return {
      captioned,
      attachments: [],
      notes: [`[file not carried: ${name}]`],
      notCarried: 'no-url',
    };
  }
  try {
    parseMxc(url);
  } catch (error) {
    if (!(error instanceof BadMxcUriError)) throw error;
    return {
      captioned,
      attachments: [],
      notes: [`[file not carried: ${name}]`],
      notCarried: 'bad-uri',
    };
  }
  const info =
    typeof content['info'] === 'object' && content['info'] !== null
      ? (content['info'] as Content)
      : {};
  const mimeType = str(info['mimetype']);
  const size = num(info['size']);
  const width = num(info['w']);
  const height = num(info['h']);
  const attachment: InboundAttachment = {
    name,
    ...(mimeType !== undefined && { mimeType }),
    ...(size !== undefined && { size }),
    ...(width !== undefined && { width }),
    ...(height !== undefined && { height }),
    open: sealed ? () => openSealed(open, sealed) : () => open(url),
  };
  return { captioned, attachments: [attachment], notes: [] };
}

/** The plaintext stream of an encrypted file (the size is the same: AES-CTR). */
async function openSealed(
  open: (mxc: string) => Promise<MediaStream>,
  file: ReturnType<typeof readEncryptedFile>,
): Promise<MediaStream> {
  const stream = await open(file.url);
  return {
    ...stream,
    // The repository's type is the opaque upload's; the event's `info.mimetype` names the file.
    contentType: 'application/octet-stream',
    body: openFile(stream.body, file),
  };
}
