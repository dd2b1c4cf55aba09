/**
 * Errors of account linking, one class per condition. Their messages are shown to the person
 * who typed the command (or returned by the API), so they say what to do next. A failed
 * redemption changes nothing.
 */
import { BridgeError } from '../errors.js';

const ASK_AGAIN = 'ask for a new one with `/multichat link` or POST /api/v1/users/me/link-codes';

/** No code with this value was ever issued (a typo, or a guess). */
export class LinkCodeInvalidError extends BridgeError {
  readonly code = 'link_code_invalid';
  constructor() {
    super(`That link code is not valid; check it, or ${ASK_AGAIN}.`);
  }
}

/** The code exists but its 10 minutes are over. */
export class LinkCodeExpiredError extends BridgeError {
  readonly code = 'link_code_expired';
  constructor() {
    super(`That link code has expired (codes last 10 minutes); ${ASK_AGAIN}.`);
  }
}

/** The code was redeemed already (codes work once). */
export class LinkCodeUsedError extends BridgeError {
  readonly code = 'link_code_used';
  constructor() {
    super(`That link code was used already (each code works once); ${ASK_AGAIN}.`);
  }
}

/** The identity already belongs to the code's profile. */
export class AlreadyLinkedError extends BridgeError {
  readonly code = 'already_linked';
  constructor(readonly profileName: string) {
    super(`This account already belongs to ${profileName}; nothing changed.`);
  }
}

/** A code's profile is unknown to this gateway (never seen, or removed). */
export class LinkProfileUnknownError extends BridgeError {
  readonly code = 'link_profile_unknown';
  constructor(readonly userId: string) {
    super(`The profile ${userId} that issued this code is unknown here; nothing changed.`);
  }
}

/** Unlink: the profile has no such identity. */
export class IdentityNotFoundError extends BridgeError {
  readonly code = 'not_found';
  constructor(
    readonly network: string,
    readonly externalId: string,
  ) {
    super(`this profile has no identity ${externalId} on ${network}`);
  }
}

/**
 * Unlink: the identity is not a linked account (the profile's own origin, or a ghost or puppet
 * the gateway made for it); only accounts joined with a code can be taken off.
 */
export class IdentityNotLinkedError extends BridgeError {
  readonly code = 'conflict';
  constructor(
    readonly network: string,
    readonly externalId: string,
    readonly why: string,
  ) {
    super(`${externalId} on ${network} cannot be unlinked: ${why}`);
  }
}
