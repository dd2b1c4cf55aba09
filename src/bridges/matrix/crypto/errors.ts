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

/** An encrypted file's `file` cannot be decrypted as given (no hash, not an AES-256-CTR key…). */
export class EncryptedFileInvalidError extends Error {
  constructor(detail: string) {
    super(`encrypted Matrix file cannot be decrypted: ${detail}`);
    this.name = 'EncryptedFileInvalidError';
  }
}

/** The downloaded ciphertext's SHA-256 is not the one the event names (altered or truncated). */
export class EncryptedFileHashError extends Error {
  constructor(readonly url: string) {
    super(`encrypted Matrix file ${url}: its SHA-256 is not the one the event names`);
    this.name = 'EncryptedFileHashError';
  }
}

/**
 * The bot's cross-signing identity (kept in the crypto store) could not be uploaded: its device
 * then shows as not signed by its owner until a later start uploads it (docs/matrix.md).
 */
export class CrossSigningUploadError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(`the Matrix bridge bot's cross-signing keys were not uploaded: ${detail}`, options);
    this.name = 'CrossSigningUploadError';
  }
}

/** A lost room key's re-share could not be asked of its sender's device (./key-recovery.ts). */
export class KeyRecoveryError extends Error {
  constructor(
    readonly userId: string,
    readonly deviceId: string,
    detail: string,
  ) {
    super(`cannot ask ${userId}'s device ${deviceId} to re-share its room key: ${detail}`);
    this.name = 'KeyRecoveryError';
  }
}
