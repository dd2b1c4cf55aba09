/**
 * Changes to messages already on Discord: edits and deletes go through the channel's webhook
 * (`PATCH`/`DELETE /webhooks/:id/:token/messages/:id`, with `thread_id` inside a thread) and fall
 * back to the bot's routes for messages the bot posted itself; reactions are the bot's own
 * (`PUT`/`DELETE /channels/:id/messages/:id/reactions/:emoji/@me`, emoji URL-encoded).
 */
import { Routes, type REST } from 'discord.js';
import { planEdit } from '../format/index.js';
import type {
  AdapterLogger,
  AdapterMemos,
  DeleteAction,
  DeliveryResult,
  EditAction,
  ExternalMessageId,
  ReactionAction,
} from '../types.js';
import { ALLOWED_MENTIONS, botPrefix, channelOf, MAX_CONTENT, truncate } from './content.js';
import type { FileNotes } from './file-notes.js';
import type { OwnDeletes } from './own-deletes.js';
import { decodeMessageId, type MessageRef } from './ids.js';
import { discordParts, replyLine } from './parts.js';
import { apiCode, toDeliveryError, UNKNOWN_MESSAGE } from './rate-limit.js';
import { ReactionLines } from './reaction-lines.js';

/** Discord's JSON error code for an emoji it does not know. */
const UNKNOWN_EMOJI = 10014;
import type { Webhooks } from './webhooks.js';

export interface ModifyDeps {
  readonly rest: REST;
  readonly webhooks: Webhooks;
  /** The files of messages this adapter posted: an edit keeps them. */
  readonly files: FileNotes;
  /** Marks the messages deleted here, so their MESSAGE_DELETE is known as our echo. */
  readonly ownDeletes: OwnDeletes;
  /** `name:id` of the guild's custom emoji called `name`, from the client's cache. */
  customEmoji(channelId: string, name: string): string | undefined;
  /** The guild of a channel (for the reply line's jump link), from the client's cache. */
  guildOf(channelId: string): string | undefined;
  /** Posts the parts a longer edit adds after the original (as a send would); their ids. */
  append(action: EditAction, texts: readonly string[]): Promise<ExternalMessageId[]>;
  /** Where reaction lines' ids are kept across restarts (./reaction-lines.ts). */
  readonly memos?: AdapterMemos;
  readonly logger: AdapterLogger;
}

export class Modify {
  private readonly lines: ReactionLines;

  constructor(private readonly deps: ModifyDeps) {
    this.lines = new ReactionLines(deps.rest, deps.ownDeletes, deps.memos, deps.logger);
  }

  /**
   * The long-edit rule (EditAction): the new text is split as a send splits it; part i replaces
   * part i, originals left without text are deleted (one holding uploaded files stays, empty),
   * and parts beyond the original's count are posted after it and returned. The first part keeps
   * the reply line a webhook message shows, an emote stays in italics, and the link lines of
   * files that were not uploaded stay below the text.
   */
  async edit(action: EditAction): Promise<DeliveryResult> {
    try {
      const channelId = channelOf(action.target);
      const n = action.externalIds.length;
      const files = this.deps.files.of(action.externalIds[n - 1]);
      const reply = replyLine(this.deps.guildOf(channelId), channelId, action.replyTo);
      const parts = discordParts(action, MAX_CONTENT - reply.length, files?.links ?? []);
      const plan = planEdit(parts, n);
      for (const [i, id] of action.externalIds.entries()) {
        const content = plan.replace[i] ?? '';
        // A message holding uploaded files stays, with empty content, when its text goes.
        const holdsFiles = i === n - 1 && (files?.uploads ?? 0) > 0;
        if (content.trim() === '' && !holdsFiles) await this.deleteOne(channelId, id);
        else await this.editOne(channelId, id, content, action.sender.name, i === 0 ? reply : '');
      }
      const added = plan.append.length > 0 ? await this.deps.append(action, plan.append) : [];
      return { externalIds: added };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  async delete(action: DeleteAction): Promise<DeliveryResult> {
    try {
      const channelId = channelOf(action.target);
      for (const id of action.externalIds) await this.deleteOne(channelId, id);
      return { externalIds: [] };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /**
   * The bot reacts (Discord has no per-person webhook reactions). An emoji Discord cannot show
   * becomes a line instead (./reaction-lines.ts), never a dead letter.
   */
  async react(action: ReactionAction): Promise<DeliveryResult> {
    try {
      const channelId = channelOf(action.target);
      const ref = decodeMessageId(action.externalId);
      const emoji = this.emojiParam(channelId, action.emoji);
      if (emoji === undefined) {
        await this.lines.apply(channelId, ref, action);
        return { externalIds: [] };
      }
      const route = Routes.channelMessageOwnReaction(
        ref.threadId ?? channelId,
        ref.messageId,
        emoji,
      );
      try {
        if (action.kind === 'react') await this.deps.rest.put(route);
        else await this.deps.rest.delete(route);
      } catch (error) {
        if (apiCode(error) !== UNKNOWN_EMOJI) throw error;
        await this.lines.apply(channelId, ref, action);
      }
      return { externalIds: [] };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /** `hookPrefix`: the reply line, shown only by webhook messages (bot messages reply natively). */
  private async editOne(
    channelId: string,
    id: ExternalMessageId,
    content: string,
    name: string,
    hookPrefix: string,
  ): Promise<void> {
    const ref = decodeMessageId(id);
    const body = {
      content: truncate(`${hookPrefix}${content}`),
      allowed_mentions: ALLOWED_MENTIONS,
    };
    if (
      await this.viaWebhook(channelId, ref, (route, query) =>
        this.deps.rest.patch(route, { body, auth: false, ...query }),
      )
    )
      return;
    // A bot message shows its author as a prefix: the edit keeps it.
    await this.deps.rest.patch(Routes.channelMessage(ref.threadId ?? channelId, ref.messageId), {
      body: {
        content: truncate(`${botPrefix(name)}${content}`),
        allowed_mentions: ALLOWED_MENTIONS,
      },
    });
  }

  /** Gone already counts as deleted. */
  private async deleteOne(channelId: string, id: ExternalMessageId): Promise<void> {
    const ref = decodeMessageId(id);
    this.deps.ownDeletes.mark(ref.messageId);
    try {
      await this.deleteRef(channelId, ref);
    } catch (error) {
      this.deps.ownDeletes.unmark(ref.messageId);
      throw error;
    }
  }

  private async deleteRef(channelId: string, ref: MessageRef): Promise<void> {
    if (
      await this.viaWebhook(channelId, ref, (route, query) =>
        this.deps.rest.delete(route, { auth: false, ...query }),
      )
    )
      return;
    try {
      await this.deps.rest.delete(Routes.channelMessage(ref.threadId ?? channelId, ref.messageId));
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
    }
  }

  /**
   * Runs `call` on the webhook route of the message; false when the bot's route must be used
   * instead (webhooks off or refused here, or the webhook does not know the message).
   */
  private async viaWebhook(
    channelId: string,
    ref: MessageRef,
    call: (route: `/${string}`, query: { query?: URLSearchParams }) => Promise<unknown>,
  ): Promise<boolean> {
    if (!this.deps.webhooks.usable(channelId)) return false;
    const query =
      ref.threadId === undefined ? {} : { query: new URLSearchParams({ thread_id: ref.threadId }) };
    try {
      await this.deps.webhooks.call(channelId, (hook) =>
        call(Routes.webhookMessage(hook.id, hook.token, ref.messageId), query),
      );
      return true;
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
      return false;
    }
  }

  /** The emoji as the reaction route takes it; undefined for a custom one this guild lacks. */
  private emojiParam(channelId: string, emoji: string): string | undefined {
    const custom = /^:([\w~-]+):$/.exec(emoji);
    // The docs ask for the emoji URL-encoded in the path: a character, or `name:id` when custom.
    if (!custom) return encodeURIComponent(emoji);
    const found = this.deps.customEmoji(channelId, custom[1] as string);
    return found === undefined ? undefined : encodeURIComponent(found);
  }
}
