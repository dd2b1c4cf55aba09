/**
 * The Events API payloads the adapter reads, as Slack documents them (only the fields used).
 * Kept loose on purpose: Slack adds fields freely, and bolt's own event types are a union too
 * wide to narrow by subtype without casts.
 */

export interface SlackFile {
  readonly id: string;
  readonly name?: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly permalink?: string;
}

/** A `message` event, or the `message` / `previous_message` inside a `message_changed`. */
export interface SlackMessage {
  readonly type: 'message';
  readonly subtype?: string;
  readonly channel?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly app_id?: string;
  readonly username?: string;
  readonly bot_profile?: { readonly name?: string; readonly icons?: Record<string, string> };
  readonly icons?: Record<string, string>;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly blocks?: readonly unknown[];
  readonly files?: readonly SlackFile[];
  readonly topic?: string;
  readonly hidden?: boolean;
  readonly deleted_ts?: string;
  readonly message?: SlackMessage;
  readonly previous_message?: SlackMessage;
}

export interface SlackReactionEvent {
  readonly type: 'reaction_added' | 'reaction_removed';
  readonly user: string;
  readonly reaction: string;
  readonly item: { readonly type: string; readonly channel?: string; readonly ts?: string };
}

export interface SlackMemberEvent {
  readonly type: 'member_joined_channel' | 'member_left_channel';
  readonly user: string;
  readonly channel: string;
}

/** The envelope of every Events API delivery (`event_callback`). */
export interface SlackEventBody {
  readonly event_id?: string;
  readonly team_id?: string;
  readonly event?: { readonly type?: string };
}
