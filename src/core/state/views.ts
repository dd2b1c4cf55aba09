/** Builds the read models (UserView, ChannelView, MessageView) from projection rows. */
import { contentParts } from '../resources.js';
import type { StateView } from '../logics/types.js';
import type { LogStore } from '../store/log-store.js';
import type { ChannelRow, MessageRow, ProfileRow, Projections } from '../store/projections.js';
import type {
  Address,
  Attachment,
  ChannelView,
  ChannelVisibility,
  ContentHash,
  MessageView,
  UserId,
  UserView,
} from '../types.js';

interface ReactionRow {
  emoji: string;
  user_id: UserId;
}

export class Views {
  constructor(
    private readonly projections: Projections,
    private readonly log: LogStore,
    private readonly state: StateView,
    /** True when this node holds the key of, or controls, the profile. */
    private readonly isLocal: (profile: ProfileRow) => boolean,
    /**
     * The readable form of a content blob: itself when plaintext; opened when sealed (an
     * encrypted channel) and this node holds its chain key; undefined otherwise (src/core/e2ee).
     */
    private readonly readable: (row: MessageRow, body: Uint8Array) => Uint8Array | undefined = (
      _row,
      body,
    ) => body,
  ) {}

  user(row: ProfileRow): UserView {
    return {
      id: row.user_id,
      username: row.username,
      ...(row.avatar !== null && { avatar: row.avatar }),
      ...(row.origin_network !== null && {
        origin: { network: row.origin_network, externalId: row.origin_external ?? '' },
      }),
      local: this.isLocal(row),
    };
  }

  userById(id: UserId): UserView | undefined {
    const row = this.projections.profile.get(id) as ProfileRow | undefined;
    return row && this.user(row);
  }

  channel(row: ChannelRow): ChannelView {
    return {
      id: row.channel_id,
      name: row.name,
      ...(row.topic !== null && { topic: row.topic }),
      encrypted: row.encrypted === 1,
      ...(row.retention_seconds !== null && { retentionSeconds: row.retention_seconds }),
      visibility: row.visibility as ChannelVisibility,
      creator: row.creator,
      memberCount: row.members,
    };
  }

  /**
   * `fresh` is for a message just applied: it has no reactions or edits yet, and its content is
   * in `contents` (from the entry), so neither needs a query.
   */
  message(
    row: MessageRow,
    fresh?: { fresh: true; contents: ReadonlyMap<ContentHash, Uint8Array> },
  ): MessageView {
    const sender = this.state.profile(row.sender);
    const hash = (row.edit_hash ?? row.content_hash) as ContentHash;
    const stored =
      row.deleted === 1 ? undefined : (fresh?.contents.get(hash) ?? this.log.content(hash));
    const body = stored && this.readable(row, stored);
    const content = body ? contentParts(body) : undefined;
    const reactions: Record<string, UserId[]> = {};
    if (!fresh) {
      for (const r of this.projections.reactions.all(row.id) as ReactionRow[]) {
        (reactions[r.emoji] ??= []).push(r.user_id);
      }
    }
    return {
      id: row.id,
      channel: row.channel,
      sender: {
        id: row.sender,
        username: sender?.username ?? row.sender,
        ...(sender?.origin && { origin: sender.origin }),
      },
      text: content?.text ?? null,
      ...(content?.emote === true && { emote: true as const }),
      createdAt: new Date(row.created_at).toISOString(),
      ...(row.edited_at !== null && { editedAt: new Date(row.edited_at).toISOString() }),
      ...(row.reply_to !== null && { replyTo: row.reply_to }),
      ...(row.thread_root !== null && { threadRoot: row.thread_root }),
      ...(row.expires_at !== null && { expiresAt: new Date(row.expires_at).toISOString() }),
      deleted: row.deleted === 1,
      reactions,
      ...(row.attachments !== null && { attachments: JSON.parse(row.attachments) as Attachment[] }),
      ...(row.mentions !== null && { mentions: JSON.parse(row.mentions) as UserId[] }),
      ...(row.origin_network !== null && {
        origin: {
          network: row.origin_network,
          externalId: row.origin_external ?? '',
          ...(row.imported === 1 && { imported: true as const }),
        },
      }),
      entry: row.entry,
      author: row.author as Address,
    };
  }
}
