/**
 * The files of a message as one target gets them. A file stored as a blob (`hash`) goes as an
 * `OutboundAttachment` to an adapter with `capabilities.attachments` (its bytes streamed from the
 * node's blob store, or from a peer when this node lacks them, waiting at most `blobWaitMs`).
 * Everything else becomes a `name: url` line of the text, by rule:
 * - an adapter without attachments (IRC) gets the gateway's signed link to the blob;
 * - a blob neither on this node nor from any peer in time: the signed link too (it serves the
 *   bytes once they arrive), logged and counted;
 * - a file from before blobs, kept as a plain `url`: that url.
 */
import type { Attachment, BlobHash } from '../../core/types.js';
import type { Link } from '../../mapping/types.js';
import type { BridgeAdapter, MediaStream, OutboundAttachment } from '../types.js';
import type { RuntimeContext } from './context.js';
import { BlobUnavailableError } from './errors.js';
import { fileLine } from './file-line.js';

export interface OutboundFiles {
  readonly attachments: OutboundAttachment[];
  /** Lines for the text, one per file sent as a link. */
  readonly lines: string[];
}

export async function outboundFiles(
  ctx: RuntimeContext,
  adapter: BridgeAdapter,
  link: Link,
  files: readonly Attachment[],
): Promise<OutboundFiles> {
  const attachments: OutboundAttachment[] = [];
  const lines: string[] = [];
  for (const file of files) {
    if (file.hash === undefined) {
      if (file.url !== undefined) lines.push(fileLine(file.name, file.url));
      continue;
    }
    const url = ctx.options.mediaLinks.urlFor(file.hash, file.name);
    if (!adapter.capabilities.attachments) {
      lines.push(fileLine(file.name, url));
      continue;
    }
    const held = await available(ctx, file.hash);
    if (!held) {
      ctx.media.fail(link.network, 'outbound', 'unavailable');
      ctx.logger.warn(
        {
          network: link.network,
          target: link.targetKey,
          file: file.name,
          hash: file.hash,
          reason: 'unavailable',
        },
        'outbound file sent as a link: its blob is on no reachable node',
      );
      lines.push(fileLine(file.name, url));
      continue;
    }
    attachments.push(toOutbound(ctx, file, file.hash, held.size, url));
  }
  return { attachments, lines };
}

/** The blob's size when this node holds it or a peer served it within the wait. */
async function available(
  ctx: RuntimeContext,
  hash: BlobHash,
): Promise<{ readonly size: number } | undefined> {
  const blobs = ctx.node.blobs;
  const info = blobs.describe(hash);
  if (info) return info;
  const fetched = await blobs
    .fetch(hash, { signal: AbortSignal.timeout(ctx.options.blobWaitMs) })
    .catch(() => undefined);
  return fetched ? { size: fetched.size } : undefined;
}

function toOutbound(
  ctx: RuntimeContext,
  file: Attachment,
  hash: BlobHash,
  size: number,
  url: string,
): OutboundAttachment {
  const blobs = ctx.node.blobs;
  const info = blobs.describe(hash);
  const mimeType = file.mimeType ?? info?.mimeType ?? 'application/octet-stream';
  const width = file.width ?? info?.width;
  const height = file.height ?? info?.height;
  return {
    hash,
    name: file.name,
    mimeType,
    size,
    url,
    ...(width !== undefined && { width }),
    ...(height !== undefined && { height }),
    // Called at send time and again on a retry; the blob may have been pruned meanwhile.
    async open(): Promise<MediaStream> {
      const wait = ctx.options.blobWaitMs;
      const bytes =
        blobs.open(hash) ?? (await blobs.fetch(hash, { signal: AbortSignal.timeout(wait) }));
      if (!bytes) throw new BlobUnavailableError(hash, wait);
      return { contentType: mimeType, size: bytes.size, body: bytes.stream() };
    },
  };
}
