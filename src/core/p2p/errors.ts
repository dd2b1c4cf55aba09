/**
 * Named errors of the P2P layer. Sync errors end one exchange with one peer and are logged; they
 * never stop the node. Callers of `fetchChannel` see `ChannelUnavailableError`.
 */
import { CoreError } from '../errors.js';

/** Base of every P2P error. */
export abstract class P2PError extends CoreError {}

/** A peer sent a sync frame that breaks the protocol (bad CBOR, unknown type, wrong order). */
export class SyncProtocolError extends P2PError {
  readonly code = 'sync_protocol';
}

/** A peer sent an entry that does not decode, or whose fields are out of type or range. */
export class MalformedEntryError extends SyncProtocolError {}

/** A length prefix announced more bytes than a frame may hold. */
export class FrameTooLargeError extends P2PError {
  readonly code = 'sync_frame_too_large';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`sync frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** The stream ended in the middle of a frame or before an expected answer. */
export class StreamEndedError extends P2PError {
  readonly code = 'sync_stream_ended';
}

/** No connected peer could supply a channel that `fetchChannel` was asked for. */
export class ChannelUnavailableError extends P2PError {
  readonly code = 'channel_unavailable';
  constructor(readonly channel: string) {
    super(
      `no connected peer knows channel ${channel}; connect to a peer that follows it and retry`,
    );
  }
}

/** A P2P method was called before `start()` or after `stop()`. */
export class P2PNotStartedError extends P2PError {
  readonly code = 'p2p_not_started';
  constructor() {
    super('the P2P host is not running');
  }
}

/** Why a sync server did not accept one key of a membership proof (docs/protocol.md). */
export type ProofRefusal = 'signature' | 'not_member' | 'no_challenge';

/**
 * A key of a membership proof was not accepted: its signature does not match this stream's
 * challenge (forged, made for another peer or nonce), it signs for no current member of a
 * non-public channel here, or no challenge was outstanding (a replayed answer).
 */
export class MembershipProofError extends P2PError {
  readonly code = 'membership_proof_refused';
  constructor(
    readonly reason: ProofRefusal,
    readonly key: string | undefined,
    message: string,
  ) {
    super(key === undefined ? message : `${key}: ${message}`);
  }
}

/** A blob stream ran out of time: the reader stalled, or the peer answered too slowly. */
export class BlobStreamTimeoutError extends P2PError {
  readonly code = 'blob_timeout';
}

/** A peer sent a blob whose bytes do not hash to the hash asked for (a peer fault). */
export class BlobBytesMismatchError extends P2PError {
  readonly code = 'blob_bytes_mismatch';
  constructor(
    readonly peer: string,
    readonly hash: string,
  ) {
    super(`peer ${peer} sent bytes that do not hash to ${hash}`);
  }
}
