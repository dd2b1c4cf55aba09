/**
 * One named error per condition the core reports. The HTTP layer maps them to status codes in a
 * single place (400 ValidationError, 403 IntentRejectedError, 404 NotFoundError, 409
 * ConflictError, 413 PayloadTooLargeError); log-chain errors are what peers get refused for.
 */

export abstract class CoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A field of an intent is malformed (empty text, unknown role…). `field` names it. */
export class ValidationError extends CoreError {
  readonly code = 'invalid_request';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A resource logic refused the transaction. `rule` names the logic rule that refused. */
export class IntentRejectedError extends CoreError {
  readonly code = 'forbidden';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends CoreError {
  readonly code = 'not_found';
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

/** The state changed under the intent (the resource it would consume is already consumed). */
export class ConflictError extends CoreError {
  readonly code = 'conflict';
}

/** A channel name matches several channels (names are not unique across peers): use an id. */
export class AmbiguousNameError extends ConflictError {
  constructor(
    readonly channelName: string,
    readonly ids: readonly string[],
  ) {
    super(`channel name '${channelName}' is ambiguous: ids ${ids.join(', ')}; use an id`);
  }
}

/** A name for something new on this node is taken, or looks like a taken one (skeleton.ts). */
export class NameTakenError extends ConflictError {
  constructor(
    readonly field: string,
    /** Id of the channel or user that holds the name. */
    readonly holder: string,
    message: string,
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends CoreError {
  readonly code = 'payload_too_large';
  constructor(
    readonly field: string,
    readonly limit: number,
    readonly actual: number,
  ) {
    super(`${field} is ${actual} bytes; the limit is ${limit} bytes`);
  }
}

/** Base of the errors a log entry from a peer is refused for. */
export abstract class LogError extends CoreError {}

export class SignatureError extends LogError {
  readonly code = 'bad_signature';
}

/** An entry's seq is beyond the next expected one: earlier entries are missing. */
export class GapError extends LogError {
  readonly code = 'log_gap';
  constructor(
    readonly author: string,
    readonly expectedSeq: number,
    readonly gotSeq: number,
  ) {
    super(`log of ${author} has a gap: expected seq ${expectedSeq}, got ${gotSeq}`);
  }
}

/** Two different entries claim the same seq of one author's log. */
export class ForkError extends LogError {
  readonly code = 'log_fork';
  constructor(
    readonly author: string,
    readonly seq: number,
    readonly existing: string,
    readonly conflicting: string,
  ) {
    super(`log of ${author} forks at seq ${seq}: ${existing} vs ${conflicting}`);
  }
}

/** An entry's `prev` does not name the entry before it, or a stored entry no longer hashes. */
export class ChainError extends LogError {
  readonly code = 'log_chain';
}

/** The transaction in a peer's entry fails a resource logic. */
export class InvalidTransactionError extends LogError {
  readonly code = 'invalid_transaction';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** The data directory was written in a log format this version does not read. */
export class StoreFormatError extends CoreError {
  readonly code = 'store_format';
}

/** Another process holds the data directory's database. */
export class StoreBusyError extends CoreError {
  readonly code = 'store_busy';
}

/** A clock value is malformed or out of range (see hlc.ts): nothing adopted it. */
export class ClockRangeError extends LogError {
  readonly code = 'hlc_range';
}

/**
 * The store holds an entry whose clock value is malformed or far in the future (written by a
 * version that did not bound clocks): the node refuses to start on it rather than adopt it.
 */
export class StoredClockError extends CoreError {
  readonly code = 'store_clock';
  constructor(
    readonly entries: readonly {
      id: string;
      author: string;
      seq: number;
      wall: unknown;
      counter: unknown;
    }[],
    message: string,
  ) {
    super(message);
  }
}

/** A blob's bytes run past the store's limit; nothing of them was kept. */
export class BlobTooLargeError extends PayloadTooLargeError {
  constructor(limit: number, actual: number) {
    super('file', limit, actual);
    this.message = `the file is larger than the limit of ${limit} bytes (media.maxBytes); nothing was stored`;
  }
}

/** Bytes offered for a blob do not hash to the address they were asked for; nothing was kept. */
export class BlobHashMismatchError extends CoreError {
  readonly code = 'blob_hash_mismatch';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the bytes hash to ${actual}, not to the requested blob ${expected}; nothing was stored`);
  }
}
