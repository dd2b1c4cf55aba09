/**
 * Slack identifiers as the adapter uses them. A message's external id is its `ts`
 * (`1700000000.000100`): unique within a channel, and the router keys message ids by target, so
 * the channel need not be part of it. A link target is `{channel: 'C0123ABCD'}`.
 */
import type { ExternalMessageId, LinkTarget } from '../types.js';
import { SlackTargetError } from './errors.js';
import { slackTarget } from './target.js';

/** Public (C), private (G) and shared (C/G) conversation ids; DMs (D) are never link targets. */
const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
const TS = /^\d{6,}\.\d{1,6}$/;

export function isChannelId(value: string | undefined): boolean {
  return value !== undefined && CHANNEL_ID.test(value);
}

export function isTs(value: string | undefined): value is string {
  return value !== undefined && TS.test(value);
}

/** The channel id of a resolved target. @throws SlackTargetError when it is not one. */
export function channelOf(target: LinkTarget): string {
  const { channel } = slackTarget(target);
  if (!isChannelId(channel)) {
    throw new SlackTargetError(
      `a linked Slack target holds the channel id (C0123ABCD), not a name; got ${JSON.stringify(channel)}`,
    );
  }
  return channel;
}

export const messageId = (ts: string): ExternalMessageId => ts as ExternalMessageId;

/**
 * A file the adapter uploaded is recorded beside the message's `ts`s as `file:<id>`, so that
 * deleting the message deletes the file too (Slack returns no message `ts` for a file share).
 */
export const fileMessageId = (fileId: string): ExternalMessageId =>
  `file:${fileId}` as ExternalMessageId;

/** The file id of a `file:<id>` external id, else undefined. */
export function fileIdOf(id: string): string | undefined {
  return id.startsWith('file:') ? id.slice(5) : undefined;
}

/**
 * Event ids already handled, so an envelope Slack re-sends (Socket Mode after a reconnect
 * without ack, HTTP retries with `X-Slack-Retry-Num`) is processed once. Bounded: the oldest
 * ids are forgotten first; Slack retries within minutes, long before `capacity` is reached.
 */
export class SeenEvents {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time `id` is offered; false for a repeat. */
  first(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
