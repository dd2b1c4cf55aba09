/**
 * Outbound actions → Web API calls. Messages go out with `chat.postMessage` as the bot, under
 * the bridged person's name and avatar (`username`, `icon_url`: scope `chat:write.customize`),
 * in a thread through `thread_ts`; edits are `chat.update`, deletes `chat.delete`, reactions
 * `reactions.add/remove` (by the bot: Slack has no per-message identity for reactions), files
 * through the upload flow (recorded as `file:<id>` ids, so a delete removes them too).
 * Slack has no idempotency key for `chat.postMessage`: a retry after a crash between the send
 * and its acknowledgement posts twice (at-least-once).
 */
import type { webApi } from '@slack/bolt';
import { DeliveryError } from '../errors.js';
import { splitText } from '../format/index.js';
import type {
  AdapterLogger,
  DeleteAction,
  DeliveryResult,
  EditAction,
  ExternalMessageId,
  ReactionAction,
  SendAction,
} from '../types.js';
import type { SlackConfig } from './config.js';
import { reactionToSlack } from './emoji.js';
import { slackError, toDeliveryError } from './failures.js';
import { uploadAttachment } from './files.js';
import { channelOf, fileIdOf, fileMessageId, isTs, messageId } from './ids.js';

/** Slack takes up to 40,000 characters but advises at most 4,000 for a readable message. */
export const MAX_TEXT = 4_000;

interface Deps {
  readonly web: () => webApi.WebClient;
  readonly config: SlackConfig;
  readonly logger: AdapterLogger;
}

export class Outbound {
  constructor(private readonly deps: Deps) {}

  async send(action: SendAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    // A thread can hang only off a message, never off a file recorded as `file:<id>`.
    const threadTs = isTs(action.threadRoot) ? action.threadRoot : undefined;
    const text = action.isEmote ? emote(action.text) : action.text;
    const post = (part: string) =>
      this.inChannel(channel, 'chat.postMessage', () =>
        this.deps.web().chat.postMessage({
          channel,
          text: part,
          username: action.sender.name.slice(0, 80),
          ...(action.sender.avatarUrl && { icon_url: action.sender.avatarUrl }),
          ...(threadTs !== undefined && { thread_ts: threadTs }),
        }),
      );
    const parts = splitText(text, MAX_TEXT, 'chars');
    const posted: { ts: string; text: string }[] = [];
    for (const part of parts) {
      const answer = await post(part);
      if (answer.ts) posted.push({ ts: answer.ts, text: part });
    }
    // Files follow the text; one that cannot be carried becomes a link rather than a failure,
    // since a retry would post the text again.
    const files: ExternalMessageId[] = [];
    const links: string[] = [];
    for (const attachment of action.attachments ?? []) {
      try {
        const fileId = await uploadAttachment(this.deps.web(), { channel, threadTs }, attachment, {
          maxBytes: this.deps.config.maxAttachmentBytes,
          fetch: this.deps.config.media,
        });
        files.push(fileMessageId(fileId));
      } catch (error) {
        this.deps.logger.warn(
          { url: attachment.url, err: String(error) },
          'slack: attachment sent as a link',
        );
        links.push(attachment.url);
      }
    }
    if (links.length > 0) await this.addLinks(channel, posted, links, post);
    return { externalIds: [...posted.map((p) => messageId(p.ts)), ...files] };
  }

  async edit(action: EditAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    const pieces = splitText(action.text, MAX_TEXT, 'chars');
    const texts = action.externalIds.filter((id) => fileIdOf(id) === undefined);
    const n = texts.length;
    for (const [i, ts] of texts.entries()) {
      // Keep the number of messages: overflow goes into the last one, cut at the limit.
      const text = i < n - 1 ? (pieces[i] ?? '') : pieces.slice(i).join(' ').slice(0, MAX_TEXT);
      if (text.trim() === '') await this.deleteOne(channel, ts);
      else await this.call('chat.update', () => this.deps.web().chat.update({ channel, ts, text }));
    }
    return { externalIds: [] };
  }

  async delete(action: DeleteAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    for (const id of action.externalIds) {
      const fileId = fileIdOf(id);
      if (fileId === undefined) await this.deleteOne(channel, id);
      else await this.deleteFile(fileId);
    }
    return { externalIds: [] };
  }

  async react(action: ReactionAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    const name = reactionToSlack(action.emoji);
    if (!name) throw new DeliveryError(`no Slack emoji for ${action.emoji}`, { permanent: true });
    const args = { channel, timestamp: action.externalId, name };
    const adding = action.kind === 'react';
    try {
      if (adding) await this.deps.web().reactions.add(args);
      else await this.deps.web().reactions.remove(args);
    } catch (error) {
      // Already there / already gone is the state asked for.
      const code = slackError(error);
      if (code !== (adding ? 'already_reacted' : 'no_reaction')) {
        throw toDeliveryError(error, adding ? 'reactions.add' : 'reactions.remove');
      }
    }
    return { externalIds: [] };
  }

  /** Links of attachments not carried: appended to the last part, or posted on their own. */
  private async addLinks(
    channel: string,
    posted: { ts: string; text: string }[],
    links: readonly string[],
    post: (text: string) => Promise<{ ts?: string }>,
  ): Promise<void> {
    const list = links.map((url) => `<${url}>`).join('\n');
    const last = posted.at(-1);
    try {
      if (last && last.text.length + 1 + list.length <= MAX_TEXT) {
        const text = `${last.text}\n${list}`;
        await this.deps.web().chat.update({ channel, ts: last.ts, text });
        last.text = text;
      } else {
        const answer = await post(list);
        if (answer.ts) posted.push({ ts: answer.ts, text: list });
      }
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, 'slack: could not add attachment links');
    }
  }

  private async deleteFile(file: string): Promise<void> {
    try {
      await this.deps.web().files.delete({ file });
    } catch (error) {
      if (slackError(error) !== 'file_not_found') throw toDeliveryError(error, 'files.delete');
    }
  }

  private async deleteOne(channel: string, ts: string): Promise<void> {
    try {
      await this.deps.web().chat.delete({ channel, ts });
    } catch (error) {
      if (slackError(error) !== 'message_not_found') throw toDeliveryError(error, 'chat.delete');
    }
  }

  /** Runs a call; `not_in_channel` makes the bot join a public channel once and try again. */
  private async inChannel<T>(channel: string, method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (slackError(error) !== 'not_in_channel') throw toDeliveryError(error, method);
      await this.call('conversations.join', () => this.deps.web().conversations.join({ channel }));
      return this.call(method, run);
    }
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDeliveryError(error, method);
    }
  }
}

/** Slack shows `/me` lines in italics; without `chat.meMessage` (no custom name) italics it is. */
function emote(text: string): string {
  return text.includes('\n') || text.trim() === '' ? text : `_${text.trim()}_`;
}
