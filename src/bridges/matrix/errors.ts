/**
 * Errors of the Matrix adapter, one class per condition. Delivery failures use the contract's
 * `DeliveryError`; these are the ones an operator meets at setup.
 */

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
