/**
 * One named error per condition the mapping store reports. `code` matches the core's codes where
 * the HTTP layer should answer the same way (409 conflict, 404 not_found).
 */

export abstract class MappingError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The external target is already linked (to this or another channel). */
export class LinkExistsError extends MappingError {
  readonly code = 'conflict';
  constructor(
    readonly network: string,
    readonly targetKey: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${network} target ${targetKey} is already linked; unlink it first to link it elsewhere`,
      options,
    );
  }
}

export class LinkNotFoundError extends MappingError {
  readonly code = 'not_found';
  constructor(readonly linkId: string) {
    super(`link ${linkId} not found`);
  }
}

export class DeliveryNotFoundError extends MappingError {
  readonly code = 'not_found';
  constructor(readonly deliveryId: string) {
    super(`delivery ${deliveryId} not found`);
  }
}

/** A delivery in a final state ('sent' or 'dead') was asked to change state. */
export class DeliveryStateError extends MappingError {
  readonly code = 'conflict';
  constructor(
    readonly deliveryId: string,
    readonly state: string,
    readonly wanted: string,
  ) {
    super(`delivery ${deliveryId} is ${state}; it cannot become ${wanted}`);
  }
}

/** An external message id is already mapped to a different Multichat message. */
export class MessageMappingConflictError extends MappingError {
  readonly code = 'conflict';
  constructor(
    readonly network: string,
    readonly targetKey: string,
    readonly externalId: string,
    readonly existing: string,
    readonly wanted: string,
  ) {
    super(
      `${network} message ${externalId} in ${targetKey} is mapped to ${existing}, not ${wanted}`,
    );
  }
}

/**
 * The store's server could not be reached or dropped the connection mid-statement (a
 * PostgreSQL restart): the call may be tried again once it is back. A statement the server
 * refused (a constraint, a syntax error) is never this error. A write that failed this way may
 * or may not have been applied, so only idempotent calls are repeated on it.
 */
export class StoreUnavailableError extends MappingError {
  readonly code = 'unavailable';
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`mapping store unavailable: ${reason}`, { cause });
  }
}

/** The store was used before init() or after close(). */
export class StoreClosedError extends MappingError {
  readonly code = 'unavailable';
  constructor() {
    super('mapping store is not open: call init() first (or it was closed)');
  }
}

/** The database holds a newer schema than this build knows: refuse rather than corrupt it. */
export class SchemaTooNewError extends MappingError {
  readonly code = 'schema_too_new';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `mapping database schema is version ${found}, this build knows up to ${known}; upgrade Multichat`,
    );
  }
}

/** A link target is unusable (empty, or a key/value is not a non-empty string). */
export class InvalidTargetError extends MappingError {
  readonly code = 'invalid_request';
}

/** An outbox page cursor (`after`) that no outbox page gave out. */
export class OutboxCursorError extends MappingError {
  readonly code = 'invalid_request';
  constructor(readonly cursor: string) {
    super(`outbox cursor "${cursor}" is not one a previous page returned`);
  }
}

/** A memo's kind, key or value holds a NUL character, which PostgreSQL text cannot store. */
export class MemoTextError extends MappingError {
  readonly code = 'invalid_request';
  constructor(readonly kind: string) {
    super(`a ${kind} memo may not contain a NUL character (PostgreSQL text cannot hold it)`);
  }
}
