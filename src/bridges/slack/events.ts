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
  /** Images and videos: the original's pixel size. */
  readonly original_w?: number;
  readonly original_h?: number;
  /** Served only with the bot token (`files:read`); `_download` forces a download. */
  readonly url_private?: string;
  readonly url_private_download?: string;
  /** The file's page in the workspace, for people who can sign in to it. */
  readonly permalink?: string;
  /** `hosted`, `external`, `snippet`, `post`, `tombstone` (deleted), `hidden_by_limit`… */
  readonly mode?: string;
  /** A file stored elsewhere (Google Drive…): its URLs are not Slack's. */
  readonly is_external?: boolean;
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
