/**
 * Inbound files become blobs of the node: each attachment's bytes are read with the adapter's
 * `open()` (its credentials, through src/bridges/net) and streamed into `node.blobs.put`, bounded
 * by media.maxBytes; the message then references the blob by hash. The files of one message are
 * fetched at the same time; messages of one target still go in emit order (the caller runs in
 * the target's queue). A file that cannot be had never holds back its message: the message goes
 * with `name: url` in its text when the network gave a link, else a
 * `[file not carried: name — reason]` note, and the reason is logged and counted.
 */
import { BlobTooLargeError } from '../../core/errors.js';
import { MAX_ATTACHMENT_NAME, MAX_ATTACHMENTS } from '../../core/logics/attachments.js';
import type { Attachment } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';
import { describe } from '../errors.js';
import { TooLargeError, UrlFetchError } from '../net/index.js';
import type { InboundAttachment, MediaStream, NetworkName } from '../types.js';
import type { RuntimeContext } from './context.js';
import { fileLine } from './file-line.js';
import { AttachmentTooLargeError, TooManyFilesError } from './errors.js';
import type { MediaFailureReason } from './media-stats.js';

export interface CarriedFiles {
  /** The files stored as blobs, in the message's order. */
  readonly attachments: Attachment[];
  /** One line per file not carried (a link or a note), for the message's text. */
  readonly lines: string[];
}

type Outcome =
  | { readonly stored: Attachment }
  | { readonly reason: MediaFailureReason; readonly error: unknown };

/** The core's limit on a MIME type's length (core/logics/attachments.ts). */
const MAX_MIME = 255;

export async function storeInboundFiles(
  ctx: RuntimeContext,
  where: { readonly network: NetworkName; readonly targetKey: TargetKey },
  files: readonly InboundAttachment[],
): Promise<CarriedFiles> {
  // The core takes at most MAX_ATTACHMENTS files per message; the rest go as links or notes.
  const outcomes = await Promise.all(
    files.map((file, i) => (i < MAX_ATTACHMENTS ? storeOne(ctx, file) : Promise.resolve(TOO_MANY))),
  );
  const attachments: Attachment[] = [];
  const lines: string[] = [];
  outcomes.forEach((outcome, i) => {
    const file = files[i] as InboundAttachment;
    if ('stored' in outcome) {
      attachments.push(outcome.stored);
      return;
    }
    ctx.media.fail(where.network, 'inbound', outcome.reason);
    ctx.logger.warn(
      {
        network: where.network,
        target: where.targetKey,
        file: file.name,
        reason: outcome.reason,
        err: describe(outcome.error),
      },
      'inbound file not carried as a file',
    );
    lines.push(
      file.url !== undefined
        ? fileLine(file.name, file.url)
        : `[file not carried: ${file.name} — ${NOTE[outcome.reason]}]`,
    );
  });
  return { attachments, lines };
}

/** Short reasons for the note people read (the log has the details, URLs included). */
const NOTE: Record<MediaFailureReason, string> = {
  fetch: 'download failed',
  too_large: 'too large',
  too_many: `more than ${MAX_ATTACHMENTS} files`,
  store: 'could not be stored',
  unavailable: 'not available',
};

const TOO_MANY: Outcome = {
  reason: 'too_many',
  error: new TooManyFilesError(MAX_ATTACHMENTS),
};

async function storeOne(ctx: RuntimeContext, file: InboundAttachment): Promise<Outcome> {
  const max = ctx.options.mediaMaxBytes;
  if (file.size !== undefined && file.size > max) {
    return { reason: 'too_large', error: new AttachmentTooLargeError(file.name, max, file.size) };
  }
  let stream: MediaStream;
  try {
    stream = await file.open();
  } catch (error) {
    return { reason: reasonOf(error, 'fetch'), error };
  }
  if (stream.size !== undefined && stream.size > max) {
    await close(stream);
    return { reason: 'too_large', error: new AttachmentTooLargeError(file.name, max, stream.size) };
  }
  const mimeType = file.mimeType ?? stream.contentType;
  try {
    const info = await ctx.node.blobs.put(stream.body, {
      maxBytes: max,
      ...(mimeType !== undefined && { mimeType }),
    });
    const width = file.width ?? info.width;
    const height = file.height ?? info.height;
    const type = info.mimeType ?? mimeType;
    // Shaped to what the core accepts, so one odd field never costs the whole message.
    const stored: Attachment = {
      hash: info.hash,
      name: [...file.name].slice(0, MAX_ATTACHMENT_NAME).join(''),
      size: info.size,
      ...(type !== undefined && type.length <= MAX_MIME && { mimeType: type }),
      ...(isCount(width) && { width }),
      ...(isCount(height) && { height }),
    };
    return { stored };
  } catch (error) {
    await close(stream);
    // A download that breaks off mid-stream surfaces here, through the store's read.
    return { reason: reasonOf(error, error instanceof UrlFetchError ? 'fetch' : 'store'), error };
  }
}

const isCount = (v: number | undefined): v is number =>
  v !== undefined && Number.isSafeInteger(v) && v >= 0;

function reasonOf(error: unknown, otherwise: MediaFailureReason): MediaFailureReason {
  const tooLarge =
    error instanceof BlobTooLargeError ||
    error instanceof TooLargeError ||
    error instanceof AttachmentTooLargeError;
  return tooLarge ? 'too_large' : otherwise;
}

/** Ends a download the store did not (fully) read, so its connection is released. */
async function close(stream: MediaStream): Promise<void> {
  try {
    await stream.body[Symbol.asyncIterator]().return?.();
  } catch {
    // Already broken: nothing more to release.
  }
}
