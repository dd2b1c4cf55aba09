/**
 * Reactions Discord cannot show (a custom emoji of another network or guild that this guild
 * does not have, or one Discord refuses as Unknown Emoji) become a short line by the bot that
 * replies natively to the reacted message: `**name** reacted :party:`. The line's id is kept as
 * a memo (the mapping store), so taking the reaction back deletes it, also after a restart
 * (docs/discord.md, "Reactions").
 */
import { Routes, type REST } from 'discord.js';
import type { AdapterLogger, AdapterMemos, ReactionAction } from '../types.js';
import type { MessageRef } from './ids.js';
import { MemoMap } from '../memo/index.js';
import type { OwnDeletes } from './own-deletes.js';
import { apiCode, UNKNOWN_MESSAGE } from './rate-limit.js';
import { webhookUsername } from './usernames.js';

interface Line {
  readonly channel: string;
  readonly id: string;
}

export class ReactionLines {
  /** Line message (and its channel) per reaction and person, as JSON. */
  private readonly lines: MemoMap;

  constructor(
    private readonly rest: REST,
    private readonly ownDeletes: OwnDeletes,
    memos: AdapterMemos | undefined,
    logger: AdapterLogger,
  ) {
    this.lines = new MemoMap('discord', 'reaction-line', memos, logger, 2_000);
  }

  /** Posts the line (add) or deletes the one posted for this reaction (remove). */
  async apply(channelId: string, ref: MessageRef, action: ReactionAction): Promise<void> {
    const key = JSON.stringify([action.externalId, action.emoji, action.sender.id]);
    const channel = ref.threadId ?? channelId;
    if (action.kind === 'unreact') {
      const kept = await this.lines.get(key);
      if (kept === undefined) return;
      const line = JSON.parse(kept) as Line;
      await this.lines.delete(key);
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
    await this.lines.set(key, JSON.stringify({ channel, id: posted.id } satisfies Line));
  }
}
