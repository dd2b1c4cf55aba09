/**
 * Errors of link management beyond a bad target (those are InvalidLinkError in ../errors.ts).
 * Each is an InvalidLinkError naming the request field to change, so the HTTP API answers 400
 * with its message and the in-network link commands show that message to the person.
 */
import { InvalidLinkError } from '../errors.js';

/**
 * A link to an end-to-end encrypted channel asked for without `allowEncrypted: true`. Bridging
 * makes the gateway a member holding the channel's keys, so it decrypts every message to deliver
 * it and whoever runs the gateway can read the channel; that takes an explicit yes.
 */
export class EncryptedChannelLinkError extends InvalidLinkError {
  constructor(readonly channelName: string) {
    super(
      'allowEncrypted',
      `channel "${channelName}" is end-to-end encrypted: bridging it makes this gateway a member ` +
        'that decrypts every message to deliver it, so the gateway operator can read the channel. ' +
        'To link it anyway, ask again with "allowEncrypted": true (CLI: --allow-encrypted-bridge)',
    );
  }
}
