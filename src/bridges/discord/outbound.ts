/**
 * Outbound actions → Discord REST calls. Sends go through the channel's webhook
 * (`POST /webhooks/:id/:token?wait=true[&thread_id=]`) with the bridged person's name and avatar;
 * with `useWebhooks: false` they go out as the bot (`POST /channels/:id/messages`) with a `nonce`
 * derived from the idempotency key and `enforce_nonce`, which Discord de-duplicates. Webhook
 * executes take no nonce: a retry after a lost answer can post twice (documented). Within one
 * process, parts already posted for an idempotency key are remembered, so a retried split send
 * continues where it stopped instead of posting the first parts again.
 */
import { Routes, type REST } from 'discord.js';
import { splitText } from '../format/index.js';
import type { DeleteAction, DeliveryResult, EditAction, ExternalMessageId, LinkTarget, ReactionAction, SendAction } from '../types.js';
import type { DiscordConfig } from './config.js';
import { DiscordTargetError, UnknownEmojiError } from './errors.js';
import { decodeMessageId, encodeMessageId, isSnowflake, nonceFor } from './ids.js';
import { apiCode, toDeliveryError, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK } from './rate-limit.js';
import { Threads, type Place } from './threads.js';
import { webhookUsername } from './usernames.js';
import type { Webhooks } from './webhooks.js';

/** Discord's longest message content, in characters. */
export const MAX_CONTENT = 2000;
const ALLOWED_MENTIONS = { parse: ['users'] } as const;
const PROGRESS_KEPT = 2_000;

export interface OutboundDeps {
  readonly rest: REST;
  readonly webhooks: Webhooks;
  readonly config: DiscordConfig;
  /** The guild of a channel (for jump links), from the client's cache. */
  guildOf(channelId: string): string | undefined;
  /** `name:id` of the guild's custom emoji called `name`, from the client's cache. */
  customEmoji(channelId: string, name: string): string | undefined;
}

interface PostedMessage {
  readonly id: string;
}

export class Outbound {
  private readonly progress = new Map<string, ExternalMessageId[]>();
  private readonly threads: Threads;

  constructor(private readonly deps: OutboundDeps) {
    this.threads = new Threads(deps.rest);
  }

  async send(action: SendAction): Promise<DeliveryResult> {
    try {
      const place = await this.place(action.target, action.threadRoot, action.text);
      const useHook = this.deps.config.useWebhooks;
      const prefix = useHook ? this.replyLine(place, action.replyTo) : `**${webhookUsername(action.sender.name)}:** `;
      const text = action.isEmote ? `_${action.text}_` : action.text;
      const parts = splitText(text, MAX_CONTENT - prefix.length, 'chars');
      const done = this.progress.get(action.idempotencyKey) ?? [];
      for (let i = done.length; i < parts.length; i++) {
        const content = `${i === 0 ? prefix : useHook ? '' : prefix}${parts[i] ?? ''}`;
        const posted = useHook
          ? await this.executeWebhook(place, content, action)
          : await this.postAsBot(place, content, action, i);
        done.push(encodeMessageId(posted.id, place.threadId));
        this.remember(action.idempotencyKey, done);
      }
      return { externalIds: [...done] };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  async edit(action: EditAction): Promise<DeliveryResult> {
    try {
      const channelId = channelOf(action.target);
      const pieces = splitText(action.text, MAX_CONTENT, 'chars');
      const n = action.externalIds.length;
      // Keep the number of messages: overflow goes into the last one, cut at Discord's limit.
      const contents = action.externalIds.map((_, i) =>
        i < n - 1 ? (pieces[i] ?? '') : truncate(pieces.slice(i).join(' ')),
      );
      for (const [i, id] of action.externalIds.entries()) {
        const content = contents[i] ?? '';
        if (content.trim() === '') await this.deleteOne(channelId, id);
        else await this.editOne(channelId, id, content);
      }
      return { externalIds: [] };
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

  /** The bot reacts (Discord has no per-person webhook reactions). */
  async react(action: ReactionAction): Promise<DeliveryResult> {
    try {
      const channelId = channelOf(action.target);
      const ref = decodeMessageId(action.externalId);
      const emoji = this.emojiParam(channelId, action.emoji);
      const route = Routes.channelMessageOwnReaction(ref.threadId ?? channelId, ref.messageId, emoji);
      if (action.kind === 'react') await this.deps.rest.put(route);
      else await this.deps.rest.delete(route);
      return { externalIds: [] };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  private async place(target: LinkTarget, threadRoot: ExternalMessageId | undefined, text: string): Promise<Place> {
    const channelId = channelOf(target);
    const thread = target['thread'];
    if (thread !== undefined) return { channelId, threadId: thread };
    if (threadRoot === undefined) return { channelId };
    return this.threads.ensure(channelId, threadRoot, text);
  }

  private async executeWebhook(place: Place, content: string, action: SendAction): Promise<PostedMessage> {
    const body = {
      content,
      username: webhookUsername(action.sender.name),
      ...(action.sender.avatarUrl !== undefined && { avatar_url: action.sender.avatarUrl }),
      allowed_mentions: ALLOWED_MENTIONS,
    };
    const query = new URLSearchParams({ wait: 'true', ...(place.threadId !== undefined && { thread_id: place.threadId }) });
    return this.withWebhook(place.channelId, (hook) =>
      this.deps.rest.post(Routes.webhook(hook.id, hook.token), { body, query, auth: false }),
    ) as Promise<PostedMessage>;
  }

  private async postAsBot(place: Place, content: string, action: SendAction, part: number): Promise<PostedMessage> {
    const reply = part === 0 && action.replyTo !== undefined ? decodeMessageId(action.replyTo) : undefined;
    const body = {
      content,
      nonce: nonceFor(action.idempotencyKey, part),
      enforce_nonce: true,
      allowed_mentions: ALLOWED_MENTIONS,
      ...(reply && {
        message_reference: {
          message_id: reply.messageId,
          channel_id: reply.threadId ?? place.channelId,
          fail_if_not_exists: false,
        },
      }),
    };
    return (await this.deps.rest.post(Routes.channelMessages(place.threadId ?? place.channelId), { body })) as PostedMessage;
  }

  /** Edits through the webhook; a message the bot posted itself is edited as the bot. */
  private async editOne(channelId: string, id: ExternalMessageId, content: string): Promise<void> {
    const ref = decodeMessageId(id);
    const body = { content, allowed_mentions: ALLOWED_MENTIONS };
    try {
      await this.withWebhook(channelId, (hook) =>
        this.deps.rest.patch(Routes.webhookMessage(hook.id, hook.token, ref.messageId), {
          body,
          auth: false,
          ...(ref.threadId !== undefined && { query: new URLSearchParams({ thread_id: ref.threadId }) }),
        }),
      );
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
      await this.deps.rest.patch(Routes.channelMessage(ref.threadId ?? channelId, ref.messageId), { body });
    }
  }

  /** Deletes through the webhook, else as the bot (Manage Messages); gone already is fine. */
  private async deleteOne(channelId: string, id: ExternalMessageId): Promise<void> {
    const ref = decodeMessageId(id);
    try {
      await this.withWebhook(channelId, (hook) =>
        this.deps.rest.delete(Routes.webhookMessage(hook.id, hook.token, ref.messageId), {
          auth: false,
          ...(ref.threadId !== undefined && { query: new URLSearchParams({ thread_id: ref.threadId }) }),
        }),
      );
      return;
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
    }
    try {
      await this.deps.rest.delete(Routes.channelMessage(ref.threadId ?? channelId, ref.messageId));
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_MESSAGE) throw error;
    }
  }

  private async withWebhook<T>(channelId: string, call: (hook: { id: string; token: string }) => Promise<T>): Promise<T> {
    const hook = await this.deps.webhooks.forChannel(channelId);
    try {
      return await call(hook);
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_WEBHOOK) throw error;
      // Someone deleted our webhook: make a new one and try once more.
      this.deps.webhooks.forget(channelId);
      return call(await this.deps.webhooks.forChannel(channelId));
    }
  }

  /** Webhooks cannot reply natively: a small jump link line stands in for the reply. */
  private replyLine(place: Place, replyTo: ExternalMessageId | undefined): string {
    if (replyTo === undefined) return '';
    const ref = decodeMessageId(replyTo);
    const guild = this.deps.guildOf(place.channelId) ?? '@me';
    return `-# ↪ https://discord.com/channels/${guild}/${ref.threadId ?? place.channelId}/${ref.messageId}\n`;
  }

  private emojiParam(channelId: string, emoji: string): string {
    const custom = /^:([\w~-]+):$/.exec(emoji);
    // The docs ask for the emoji URL-encoded in the path: a character, or `name:id` when custom.
    if (!custom) return encodeURIComponent(emoji);
    const found = this.deps.customEmoji(channelId, custom[1] as string);
    if (found === undefined) throw new UnknownEmojiError(emoji);
    return encodeURIComponent(found);
  }

  private remember(key: string, ids: ExternalMessageId[]): void {
    this.progress.delete(key);
    this.progress.set(key, ids);
    if (this.progress.size > PROGRESS_KEPT) {
      const oldest = this.progress.keys().next().value;
      if (oldest !== undefined) this.progress.delete(oldest);
    }
  }
}

function channelOf(target: LinkTarget): string {
  const channel = target['channel'];
  if (!isSnowflake(channel)) {
    throw new DiscordTargetError(`a Discord link target is {channel: '<snowflake>'}; got ${JSON.stringify(target)}`);
  }
  return channel;
}

function truncate(text: string): string {
  return text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`;
}
