/**
 * Outbound sends → Discord REST calls (edits, deletes and reactions: `./modify.ts`). Sends go through the channel's webhook
 * (`POST /webhooks/:id/:token?wait=true[&thread_id=]`) with the bridged person's name and avatar;
 * with `useWebhooks: false` they go out as the bot (`POST /channels/:id/messages`) with a `nonce`
 * derived from the idempotency key and `enforce_nonce`, which Discord de-duplicates. Webhook
 * executes take no nonce: a retry after a lost answer can post twice (documented). Within one
 * process, parts already posted for an idempotency key are remembered, so a retried split send
 * continues where it stopped instead of posting the first parts again.
 * Files are uploaded natively (multipart `files[n]` + `payload_json`, see `./uploads.ts`) with
 * the last part of the text; when Discord refuses the upload as too large (413 / 40005), that
 * part is posted again with the files as links.
 * A message with no thread to a forum or media channel starts a post of its own (./forum.ts).
 */
import { Routes, type REST } from 'discord.js';
import type {
  AdapterLogger,
  DeliveryResult,
  ExternalMessageId,
  LinkTarget,
  SendAction,
} from '../types.js';
import { ALLOWED_MENTIONS, botPrefix, MAX_CONTENT } from './content.js';
import type { FileNotes } from './file-notes.js';
import { postName, startForumPost } from './forum.js';
import { decodeMessageId, encodeMessageId, nonceFor } from './ids.js';
import {
  attachmentsField,
  NO_FILES,
  prepareFiles,
  refusedAsTooLarge,
  restFiles,
  type PreparedFiles,
  type Upload,
} from './uploads.js';
import { apiCode, MISSING_PERMISSIONS, toDeliveryError } from './rate-limit.js';
import { discordTarget } from './target.js';
import { discordParts, replyLine } from './parts.js';
import { Threads, type Place } from './threads.js';
import { webhookUsername } from './usernames.js';
import type { Webhooks } from './webhooks.js';

const PROGRESS_KEPT = 2_000;

export interface OutboundDeps {
  readonly rest: REST;
  readonly webhooks: Webhooks;
  readonly logger: AdapterLogger;
  /** Files above this are sent as links (`maxAttachmentBytes`). */
  readonly maxAttachmentBytes: number;
  /** Where the files of a posted message are noted, for its edits. */
  readonly files: FileNotes;
  /** The guild of a channel (for jump links), from the client's cache. */
  guildOf(channelId: string): string | undefined;
  /** True for a forum or media channel (only posts, no plain messages), from the cache. */
  isForum?(channelId: string): boolean;
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
      if (place.threadId === undefined && this.deps.isForum?.(place.channelId) === true)
        return await this.sendForumPost(place.channelId, action);
      const useHook = this.deps.webhooks.usable(place.channelId);
      try {
        return await this.sendParts(place, action, useHook);
      } catch (error) {
        if (!useHook || apiCode(error) !== MISSING_PERMISSIONS) throw error;
        // No Manage Webhooks here: post as the bot rather than lose the message.
        this.deps.webhooks.refuse(place.channelId);
        this.deps.logger.warn(
          { channel: place.channelId },
          'discord: no permission to manage webhooks in this channel; posting as the bot',
        );
        return await this.sendParts(place, action, false);
      }
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  private async sendParts(
    place: Place,
    action: SendAction,
    useHook: boolean,
  ): Promise<DeliveryResult> {
    const files = action.attachments?.length
      ? await prepareFiles(action.attachments, this.deps.maxAttachmentBytes, this.deps.logger)
      : NO_FILES;
    try {
      return await this.postParts(place, action, useHook, files);
    } catch (error) {
      if (files.uploads.length === 0 || !refusedAsTooLarge(error)) throw error;
      this.deps.logger.warn(
        { channel: place.channelId, files: files.uploads.map((u) => u.name) },
        'discord: upload refused as too large; the files go as links',
      );
      const links = [...files.links, ...files.uploads.map((u) => u.link)];
      return this.postParts(place, action, useHook, { uploads: [], links });
    }
  }

  /**
   * Posts the text (plus link lines) in parts (./parts.ts), the uploads with the last one. The
   * text's split does not depend on the link lines, so adding them never moves an earlier part:
   * a resend after a refused upload continues after the parts already posted.
   */
  private async postParts(
    place: Place,
    action: SendAction,
    useHook: boolean,
    files: PreparedFiles,
  ): Promise<DeliveryResult> {
    const prefix = useHook
      ? replyLine(this.deps.guildOf(place.channelId), place.channelId, action.replyTo)
      : botPrefix(action.sender.name);
    const parts = discordParts(action, MAX_CONTENT - prefix.length, files.links);
    // Files alone: one message whose content may be empty.
    if (parts.length === 0 && files.uploads.length > 0) parts.push('');
    const done = this.progress.get(action.idempotencyKey) ?? [];
    for (let i = done.length; i < parts.length; i++) {
      const content = `${i === 0 || !useHook ? prefix : ''}${parts[i] ?? ''}`;
      const uploads = i === parts.length - 1 ? files.uploads : [];
      const posted = useHook
        ? await this.executeWebhook(place, content, action, uploads)
        : await this.postAsBot(place, content, action, i, uploads);
      const id = encodeMessageId(posted.id, place.threadId);
      done.push(id);
      this.remember(action.idempotencyKey, done);
      if (i === parts.length - 1)
        this.deps.files.note(id, { links: files.links, uploads: uploads.length });
    }
    return { externalIds: [...done] };
  }

  /**
   * A new post in forum `channelId` (./forum.ts) made by the bot, its message naming the person
   * (a webhook cannot start a post with `POST /channels/{id}/threads`); parts after the first go
   * into the post. The post's message is created with the post, so files go as links there.
   */
  private async sendForumPost(channelId: string, action: SendAction): Promise<DeliveryResult> {
    const prepared = action.attachments?.length
      ? await prepareFiles(action.attachments, this.deps.maxAttachmentBytes, this.deps.logger)
      : NO_FILES;
    const files = {
      uploads: [],
      links: [...prepared.links, ...prepared.uploads.map((u) => u.link)],
    };
    const prefix = botPrefix(action.sender.name);
    const parts = discordParts(action, MAX_CONTENT - prefix.length, files.links);
    const done = this.progress.get(action.idempotencyKey) ?? [];
    let postId = done[0] === undefined ? undefined : decodeMessageId(done[0]).threadId;
    if (postId === undefined) {
      const name = postName(action.text);
      postId = await startForumPost(this.deps.rest, channelId, name, `${prefix}${parts[0] ?? ''}`);
      const root = encodeMessageId(postId, postId);
      this.remember(action.idempotencyKey, [root]);
      if (parts.length <= 1) this.deps.files.note(root, { links: files.links, uploads: 0 });
    }
    return this.postParts({ channelId, threadId: postId }, action, false, files);
  }

  private async place(
    target: LinkTarget,
    threadRoot: ExternalMessageId | undefined,
    text: string,
  ): Promise<Place> {
    const { channel: channelId, thread } = discordTarget(target);
    if (thread !== undefined) return { channelId, threadId: thread };
    if (threadRoot === undefined) return { channelId };
    return this.threads.ensure(channelId, threadRoot, text);
  }

  private async executeWebhook(
    place: Place,
    content: string,
    action: SendAction,
    uploads: readonly Upload[],
  ): Promise<PostedMessage> {
    const body = {
      content,
      username: webhookUsername(action.sender.name),
      ...(action.sender.avatarUrl !== undefined && { avatar_url: action.sender.avatarUrl }),
      allowed_mentions: ALLOWED_MENTIONS,
      ...(uploads.length > 0 && { attachments: attachmentsField(uploads) }),
    };
    const query = new URLSearchParams({
      wait: 'true',
      ...(place.threadId !== undefined && { thread_id: place.threadId }),
    });
    return this.deps.webhooks.call(place.channelId, (hook) =>
      this.deps.rest.post(Routes.webhook(hook.id, hook.token), {
        body,
        query,
        auth: false,
        ...(uploads.length > 0 && { files: restFiles(uploads) }),
      }),
    ) as Promise<PostedMessage>;
  }

  private async postAsBot(
    place: Place,
    content: string,
    action: SendAction,
    part: number,
    uploads: readonly Upload[],
  ): Promise<PostedMessage> {
    const reply =
      part === 0 && action.replyTo !== undefined ? decodeMessageId(action.replyTo) : undefined;
    const body = {
      content,
      nonce: nonceFor(action.idempotencyKey, part),
      enforce_nonce: true,
      allowed_mentions: ALLOWED_MENTIONS,
      ...(uploads.length > 0 && { attachments: attachmentsField(uploads) }),
      ...(reply && {
        message_reference: {
          message_id: reply.messageId,
          channel_id: reply.threadId ?? place.channelId,
          fail_if_not_exists: false,
        },
      }),
    };
    return (await this.deps.rest.post(Routes.channelMessages(place.threadId ?? place.channelId), {
      body,
      ...(uploads.length > 0 && { files: restFiles(uploads) }),
    })) as PostedMessage;
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
