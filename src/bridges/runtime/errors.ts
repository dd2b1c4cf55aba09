/**
 * Errors of the bridge runtime's media handling, one class per condition. Neither stops a
 * message: the file is degraded to a link or a note (docs/architecture.md, "Files"), and the
 * reason is logged and counted.
 */
import { BridgeError } from '../errors.js';

/** An inbound file declared (or streamed) larger than `media.maxBytes`: not fetched. */
export class AttachmentTooLargeError extends BridgeError {
  readonly code = 'attachment_too_large';
  constructor(
    readonly fileName: string,
    readonly limit: number,
    readonly size: number,
  ) {
    super(`${fileName} is ${size} bytes, over the limit of ${limit} bytes (media.maxBytes)`);
  }
}

/** A blob a message references is neither on this node nor to be had from a peer in time. */
export class BlobUnavailableError extends BridgeError {
  readonly code = 'blob_unavailable';
  constructor(
    readonly hash: string,
    readonly waitedMs: number,
  ) {
    super(`blob ${hash} is not on this node and no peer served it within ${waitedMs} ms`);
  }
}

/** A message with more files than the core takes: the extra ones are not fetched. */
export class TooManyFilesError extends BridgeError {
  readonly code = 'too_many_files';
  constructor(readonly limit: number) {
    super(`a message carries at most ${limit} files; the others go as links or notes`);
  }
}
