/** Errors of end-to-end encrypted channels (docs/protocol.md, "Encrypted channels"). */
import { CoreError } from '../errors.js';

/** A sealed content blob or key-share box is not the shape this version writes. */
export class SealedFormatError extends CoreError {
  readonly code = 'e2ee_format';
}

/**
 * The ciphertext does not open with the key its chain and index give: it was changed after it
 * was sealed, or sealed under other identifiers (channel, sender, chain, index).
 */
export class CiphertextTamperedError extends CoreError {
  readonly code = 'e2ee_tampered';
}

/** A key share holds no box addressed to any key of this node. */
export class KeyShareRecipientError extends CoreError {
  readonly code = 'e2ee_not_recipient';
}

/** A box names a key of this node but does not open with it (made for another key, or changed). */
export class KeyShareOpenError extends CoreError {
  readonly code = 'e2ee_share_refused';
}

/** This node holds no share of the chain a ciphertext names (sent before its join, or after its removal). */
export class ChainKeyMissingError extends CoreError {
  readonly code = 'e2ee_no_key';
}

/** A member of an encrypted channel publishes no box key, so nothing can be shared with them. */
export class NoBoxKeyError extends CoreError {
  readonly code = 'e2ee_no_box_key';
}

/**
 * The bytes of a file of an encrypted channel do not open with the key its message carries:
 * changed after sealing, cut off, or not the file the message names. Nothing of it is served.
 */
export class BlobTamperedError extends CoreError {
  readonly code = 'e2ee_blob_tampered';
}
