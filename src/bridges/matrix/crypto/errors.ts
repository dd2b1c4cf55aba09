/** The conditions of the Matrix bridge's end-to-end encryption (./index.ts). */
import { DeliveryError } from '../../errors.js';

/** The crypto store file exists but cannot be read back (corrupt, truncated, another format). */
export class CryptoStoreFileError extends Error {
  constructor(
    readonly path: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`the Matrix crypto store ${path} cannot be read: ${detail}`, options);
    this.name = 'CryptoStoreFileError';
  }
}

/**
 * The homeserver would not give the bridge bot a device: the registration lacks
 * `io.element.msc4190: true` or the homeserver does not implement MSC4190 (docs/matrix.md).
 */
export class CryptoDeviceError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(`the Matrix bridge bot has no device for encryption: ${detail}`, options);
    this.name = 'CryptoDeviceError';
  }
}

/**
 * A message for an encrypted room that the config's `encryption.allow` does not cover: sending
 * it in clear would leak into a room its members believe private, so it is refused for good.
 */
export class EncryptedRoomRefusedError extends DeliveryError {
  constructor(readonly room: string) {
    super(
      `Matrix room ${room} is encrypted and not allowed by bridges.matrix.encryption (docs/matrix.md)`,
      { permanent: true },
    );
    this.name = 'EncryptedRoomRefusedError';
  }
}
