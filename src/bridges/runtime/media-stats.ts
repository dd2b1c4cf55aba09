/**
 * Counts the files the runtime could not carry as files, by network, direction and reason, so
 * the gateway's metrics can show them (`BridgeRuntime.mediaFailures()`). Every count also has a
 * warn log line; nothing is degraded silently.
 */

export type MediaDirection = 'inbound' | 'outbound';

/**
 * Why a file was not carried: `fetch` (the network would not give the bytes), `too_large`
 * (over media.maxBytes), `too_many` (past the core's 10 files per message), `store` (the blob
 * store refused or failed), `unavailable` (an outbound blob neither on this node nor from a
 * peer in time).
 */
export type MediaFailureReason = 'fetch' | 'too_large' | 'too_many' | 'store' | 'unavailable';

export interface MediaFailureCount {
  readonly network: string;
  readonly direction: MediaDirection;
  readonly reason: MediaFailureReason;
  readonly count: number;
}

export class MediaStats {
  private readonly counts = new Map<string, MediaFailureCount>();

  fail(network: string, direction: MediaDirection, reason: MediaFailureReason): void {
    const key = `${network}\u0000${direction}\u0000${reason}`;
    const count = (this.counts.get(key)?.count ?? 0) + 1;
    this.counts.set(key, { network, direction, reason, count });
  }

  /** Every non-zero count, in first-seen order. */
  failures(): MediaFailureCount[] {
    return [...this.counts.values()];
  }
}
