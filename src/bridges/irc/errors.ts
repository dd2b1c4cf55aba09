/**
 * Errors of the IRC adapter, one class per condition. Delivery failures extend the contract's
 * `DeliveryError` so the router reads `permanent` / `retryAfterMs` without knowing IRC.
 */
import { DeliveryError } from '../errors.js';

/** The bridge config names no network by this name (a link with a typo in `network`). */
export class UnknownIrcNetworkError extends DeliveryError {
  constructor(
    readonly network: string,
    known: readonly string[],
  ) {
    super(`no IRC network "${network}" is configured; configured: ${known.join(', ') || 'none'}`, {
      permanent: true,
    });
  }
}

/** A link target that is not `{network, channel: '#…'}`. */
export class InvalidIrcTargetError extends DeliveryError {
  constructor(detail: string) {
    super(`invalid IRC link target: ${detail}`, { permanent: true });
  }
}

/** The connection is down and did not come back within the wait a send may take. */
export class IrcDisconnectedError extends DeliveryError {
  constructor(network: string, retryAfterMs: number, cause?: unknown) {
    super(`IRC network ${network} is not connected`, { retryAfterMs, cause });
  }
}

/** The server refused to let us into a channel (banned, invite only, full, bad key). */
export class IrcRefusedError extends DeliveryError {
  constructor(target: string, reason: string) {
    super(`IRC server refused to join ${target}: ${reason}`, { permanent: true });
  }
}

/** A role action the bot cannot carry out: it is not op there, or IRC has no such role. */
export class IrcRoleError extends DeliveryError {
  constructor(reason: string) {
    super(`IRC role not set: ${reason}`, { permanent: true });
  }
}

/** The bridge section is not usable (should have been caught by the gateway's schema). */
export class IrcConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`bridges.irc.${key}: ${message}`);
    this.name = 'IrcConfigError';
  }
}

/** The server refused the bot's TOPIC (the channel is +t and the bot is not op). */
export class IrcTopicError extends DeliveryError {
  constructor(channel: string, reason: string) {
    super(`IRC topic of ${channel} not set: ${reason}`, { permanent: true });
  }
}
