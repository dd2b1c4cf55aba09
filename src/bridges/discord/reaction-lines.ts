/**
 * Reactions Discord cannot show (a custom emoji of another network or guild that this guild
 * does not have, or one Discord refuses as Unknown Emoji) become a short line by the bot that
 * replies natively to the reacted message: `**name** reacted :party:`. The line's id is kept in
 * memory so taking the reaction back deletes it; after a restart the line stays (docs/discord.md,
 * "Reactions").
 */
import { Routes, type REST } from 'discord.js';
import type { ReactionAction } from '../types.js';
import type { MessageRef } from './ids.js';
import type { OwnDeletes } from './own-deletes.js';
import { apiCode, UNKNOWN_MESSAGE } from './rate-limit.js';
import { webhookUsername } from './usernames.js';

const KEPT = 2_000;

export class ReactionLines {
  /** Line message (and its channel) per reaction and person. */
  private readonly lines = new Map<string, { channel: string; id: string }>();

  constructor(
    private readonly rest: REST,
    private readonly ownDeletes: OwnDeletes,
  ) {}

  /** Posts the line (add) or deletes the one posted for this reaction (remove). */
  async apply(channelId: string, ref: MessageRef, action: ReactionAction): Promise<void> {
    const key = `${action.externalId}\u0000${action.emoji}\u0000${action.sender.id}`;
    const channel = ref.threadId ?? channelId;
    if (action.kind === 'unreact') {
      const line = this.lines.get(key);
      if (!line) return;
      this.lines.delete(key);
      this.ownDeletes.mark(line.id);
      try {
        await this.rest.delete(Routes.channelMessage(line.channel, line.id));
      } catch (error) {
        if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
      }
      return;
    }
    const posted = (await this.rest.post(Routes.channelMessages(channel), {
      body: {
        content: `**${webhookUsername(action.sender.name)}** reacted ${action.emoji}`,
        allowed_mentions: { parse: [] },
        message_reference: { message_id: ref.messageId, fail_if_not_exists: false },
      },
    })) as { id: string };
    this.lines.set(key, { channel, id: posted.id });
    if (this.lines.size > KEPT) {
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
  }
}
