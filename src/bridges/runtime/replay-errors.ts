/** Errors of `import --replay-to` (runtime/replay.ts), one class per condition. */
import { BridgeError } from '../errors.js';

/** The replay network is the history's own, or a channel has no link on it. */
export class ReplayTargetError extends BridgeError {
  readonly code = 'replay_target';
  constructor(
    readonly network: string,
    readonly channel: string | undefined,
    readonly why: 'source' | 'unlinked',
  ) {
    super(
      why === 'source'
        ? `--replay-to ${network}: the history comes from ${network}; replaying it there would post it twice`
        : `--replay-to ${network}: channel ${channel ?? ''} is not linked to ${network} (link it first)`,
    );
  }
}
