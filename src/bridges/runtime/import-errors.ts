/** Errors of a history import (runtime/import.ts), one class per condition. */
import { BridgeError } from '../errors.js';

/** The channel the history should go into does not exist on this node. */
export class ImportChannelError extends BridgeError {
  readonly code = 'import_channel';
  constructor(readonly channel: string) {
    super(`channel ${channel} does not exist on this node`);
  }
}
