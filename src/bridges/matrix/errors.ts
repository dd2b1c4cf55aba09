/**
 * Errors of the Matrix adapter, one class per condition. Delivery failures use the contract's
 * `DeliveryError`; most here are the ones an operator meets at setup.
 */
import { DeliveryError } from '../errors.js';
import type { UrlFetchError } from '../net/index.js';

/** The adapter's config section is missing a field or has one of the wrong type. */
export class MatrixConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`bridges.matrix.${field}: ${message}`);
    this.name = 'MatrixConfigError';
  }
}

/** The registration file cannot be read or is not a registration. */
export class RegistrationFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`appservice registration ${path}: ${message}`, options);
    this.name = 'RegistrationFileError';
  }
}

/**
 * The gateway config and the registration the homeserver loaded disagree: the homeserver would
 * push to the wrong place or refuse our ghosts. Names the field so the operator knows what to fix.
 */
export class RegistrationMismatchError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly actual: string,
    path: string,
  ) {
    super(
      `appservice registration ${path} disagrees with the gateway config on "${field}": ` +
        `the config implies ${expected}, the registration has ${actual}. ` +
        'Run `multichat matrix-registration --config FILE --out REGISTRATION` and reload the homeserver.',
    );
    this.name = 'RegistrationMismatchError';
  }
}

/**
 * A file to upload (an attachment or an avatar) could not be fetched from its URL: refused by
 * the fetch policy (an internal address), too large, gone, or unreachable. Permanent when
 * fetching again cannot help; `fetchError` says why.
 */
export class MediaFetchError extends DeliveryError {
  constructor(readonly fetchError: UrlFetchError) {
    super(fetchError.message, { permanent: fetchError.permanent, cause: fetchError });
  }
}

/** A transaction body larger than the listener accepts (answered 413 `M_TOO_LARGE`). */
export class TransactionTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
    this.name = 'TransactionTooLargeError';
  }
}

/** A transaction body that is not a JSON object (answered 400 `M_NOT_JSON`). */
export class TransactionNotJsonError extends Error {
  constructor(reason: string) {
    super(`the request body is not a JSON object: ${reason}`);
    this.name = 'TransactionNotJsonError';
  }
}

/** A media reference that is not `mxc://server/id`: nothing is fetched for it. */
export class BadMxcUriError extends Error {
  constructor(readonly uri: string) {
    super(`not a Matrix media URI: ${JSON.stringify(uri.slice(0, 200))}`);
    this.name = 'BadMxcUriError';
  }
}

/**
 * An attachment's bytes did not add up to the size it announced, so the upload (whose
 * Content-Length was that size) was stopped.
 */
export class UploadSizeMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `the file announced ${expected} bytes but ${actual > expected ? 'had more' : `had ${actual}`}`,
    );
    this.name = 'UploadSizeMismatchError';
  }
}

/** A stored link target that is not `{room: '!id:server' | '#alias:server'}`: permanent. */
export class MatrixTargetError extends DeliveryError {
  constructor(detail: string) {
    super(`invalid Matrix link target: ${detail}`, { permanent: true });
    this.name = 'MatrixTargetError';
  }
}

/** The bridge bot may not read a room's history (not joined, history hidden from it, no room). */
export class MatrixHistoryAccessError extends DeliveryError {
  constructor(
    readonly room: string,
    readonly status: number,
    readonly errcode: string,
  ) {
    super(
      status === 404
        ? `Matrix room ${room} does not exist or the bridge bot cannot see it (${errcode})`
        : `the Matrix bridge bot may not read the history of ${room}: invite it and let members see history (${status} ${errcode})`,
      { permanent: true },
    );
    this.name = 'MatrixHistoryAccessError';
  }
}
