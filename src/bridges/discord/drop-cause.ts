/**
 * Why the gateway connection last closed, for the health detail and the log (issue 23). The
 * client reconnects by itself and says only that it does; the reason is in its debug line
 * ("Destroying shard … Reason: Zombie connection"). A zombie connection is a heartbeat Discord
 * did not acknowledge before the next was due: the network stalled, or this process's event loop
 * was blocked for about a heartbeat interval (41.25 s on Discord; tests' fakes use 1 s).
 */
const DESTROYED = /Destroying shard\s+Reason: ([^\n\t]+)/;

export class DropCause {
  private last: string | undefined;

  /** Feed every client debug line; keeps the reason of the last close. */
  debug(line: string): void {
    const reason = DESTROYED.exec(line)?.[1];
    if (reason !== undefined) this.last = reason;
  }

  /** The reason since the last call, in the operator's words (undefined: not known). */
  take(): string | undefined {
    const reason = this.last;
    this.last = undefined;
    if (reason === undefined || reason === 'none') return undefined;
    return reason === 'Zombie connection'
      ? 'a heartbeat was not acknowledged in time (network stall or blocked event loop)'
      : reason;
  }
}
