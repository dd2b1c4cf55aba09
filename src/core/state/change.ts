/**
 * The change records apply() returns, in a file of their own so that the node, ingest and publish
 * can name them without importing apply.ts (and without an import cycle through node.ts).
 */
import type { MessageRow } from '../store/projections.js';
import type { ChannelId, MessageId, Role, UserId } from '../types.js';

/** What apply() reports; node.ts turns these into NodeEvents once committed. */
export type Change =
  | { kind: 'profile'; user: UserId }
  | { kind: 'channel'; channel: ChannelId }
  | { kind: 'membership'; channel: ChannelId; user: UserId; role: Role | null }
  /** `row` is the projection row as inserted: events and replies need no query for it. */
  | { kind: 'message'; message: MessageId; row: MessageRow }
  | { kind: 'edit'; message: MessageId }
  | { kind: 'delete'; channel: ChannelId; message: MessageId; by: UserId }
  | {
      kind: 'reaction';
      channel: ChannelId;
      message: MessageId;
      user: UserId;
      emoji: string;
      added: boolean;
    };
