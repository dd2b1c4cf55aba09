/**
 * Outbound actions → Web API calls. Messages go out with `chat.postMessage` as the bot, under
 * the bridged person's name and avatar (`username`, `icon_url`: scope `chat:write.customize`),
 * in a thread through `thread_ts`; edits are `chat.update`, deletes `chat.delete`, reactions
 * `reactions.add/remove` (by the bot: Slack has no per-message identity for reactions), files
 * through files v2 (`./files.ts`; recorded as `file:<id>` ids, so a delete removes them too).
 * Slack has no idempotency key for `chat.postMessage`: a retry after a crash between the send
 * and its acknowledgement posts twice (at-least-once).
 */
import type { webApi } from '@slack/bolt';
import { DeliveryError } from '../errors.js';
import { planEdit, splitText } from '../format/index.js';
import type {
  AdapterLogger,
  AdapterMemos,
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
import { shareFiles, uploadAll } from './files.js';
import { channelOf, fileIdOf, fileMessageId, isTs, messageId } from './ids.js';
import { LinkLines, linkTo } from './links.js';
import { SendProgress, slackParts } from './parts.js';
import { ReactionLines, reactionLine } from './reaction-lines.js';

/** Slack's clients attach at most 10 files to one message; larger sets go in several shares. */
const FILES_PER_SHARE = 10;
/** Sending one file's bytes to its upload_url, unless `media.timeoutMs` says otherwise. */
const UPLOAD_TIMEOUT_MS = 60_000;

/** Slack takes up to 40,000 characters but advises at most 4,000 for a readable message. */
export const MAX_TEXT = 4_000;

interface Deps {
  readonly web: () => webApi.WebClient;
  readonly config: SlackConfig;
  readonly logger: AdapterLogger;
  /** Where the reaction lines' ids outlive a restart (none: memory only). */
  readonly memos?: AdapterMemos;
}

export class Outbound {
  /** Link lines of files that went as links, by the `ts` holding them, so edits keep them. */
  private readonly linkLines = new LinkLines(MAX_TEXT);
  /** Text parts posted by a send that failed before its last part, by idempotency key. */
  private readonly progress = new SendProgress();
  /** Lines standing for reactions Slack cannot show, so their removal deletes them. */
  private readonly reactionLines: ReactionLines;

  constructor(private readonly deps: Deps) {
    this.reactionLines = new ReactionLines(deps.memos, deps.logger);
  }

  /**
   * Files first (uploaded, still private), then the text under the person's name with a link
   * for each file that could not be uploaded, then the uploaded files shared after it. Once
   * anything is visible nothing throws, since a retry would post it twice.
   */
  async send(action: SendAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    // A thread can hang only off a message, never off a file recorded as `file:<id>`.
    const threadTs = isTs(action.threadRoot) ? action.threadRoot : undefined;
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
    const attachments = action.attachments ?? [];
    const { uploaded, failed } = await uploadAll(this.deps.web(), attachments, {
      limits: {
        maxBytes: this.deps.config.maxAttachmentBytes,
        timeoutMs: this.deps.config.media.timeoutMs ?? UPLOAD_TIMEOUT_MS,
      },
      logger: this.deps.logger,
    });
    const links = failed.map(linkTo);
    // Parts already posted by an earlier attempt of this send (a 429 between parts): go on
    // after them instead of posting them twice.
    const posted = this.progress.take(action.idempotencyKey);
    const parts = slackParts(action, MAX_TEXT, links);
    for (const part of parts.slice(posted.length)) {
      let answer: { ts?: string };
      try {
        answer = await post(part);
      } catch (error) {
        if (posted.length > 0) this.progress.keep(action.idempotencyKey, posted);
        throw error;
      }
      if (answer.ts) posted.push({ ts: answer.ts, text: part });
    }
    const files: ExternalMessageId[] = [];
    if (uploaded.length > 0) {
      try {
        for (let i = 0; i < uploaded.length; i += FILES_PER_SHARE) {
          const batch = uploaded.slice(i, i + FILES_PER_SHARE);
          await this.inChannel(channel, 'files.completeUploadExternal', () =>
            shareFiles(this.deps.web(), { channel, threadTs, sender: action.sender }, batch),
          );
          files.push(...batch.map((f) => fileMessageId(f.id)));
        }
      } catch (error) {
        // Nothing visible yet and worth retrying: let the router retry the whole send.
        if (posted.length === 0 && files.length === 0 && !isPermanent(error)) throw error;
        const unshared = uploaded.filter((f) => !files.includes(fileMessageId(f.id)));
        this.deps.logger.warn(
          { err: String(error), files: unshared.length },
          'slack: files could not be shared; sent as links',
        );
        const more = unshared.map((f) => linkTo(f.attachment));
        links.push(...more);
        if (posted.length > 0) await this.addLinks(channel, posted, more, post);
        else await this.postLinks(posted, more, post);
      }
    }
    const last = posted.at(-1);
    if (last && links.length > 0) this.linkLines.remember(last.ts, links);
    return { externalIds: [...posted.map((p) => messageId(p.ts)), ...files] };
  }

  /**
   * The long-edit rule (EditAction): the new text is split as a send splits it; part i replaces
   * part i, originals left without text are deleted, and parts beyond the original's count are
   * posted after it (in its thread) and returned, so the runtime adds them to the message. The
   * link lines of files that could not be uploaded stay below the last original part.
   */
  async edit(action: EditAction): Promise<DeliveryResult> {
    const channel = channelOf(action.target);
    const texts = action.externalIds.filter((id) => fileIdOf(id) === undefined);
    const plan = planEdit(slackParts(action, MAX_TEXT), texts.length);
    for (const [i, ts] of texts.entries()) {
      const part = plan.replace[i] ?? '';
      const text = i === texts.length - 1 ? this.linkLines.below(ts, part) : part;
      if (text.trim() === '') await this.deleteOne(channel, ts);
      else await this.call('chat.update', () => this.deps.web().chat.update({ channel, ts, text }));
    }
    const added: ExternalMessageId[] = [];
    const threadTs = isTs(action.threadRoot) ? action.threadRoot : undefined;
    for (const text of plan.append) {
      const answer = await this.call('chat.postMessage', () =>
        this.deps.web().chat.postMessage({
          channel,
          text,
          username: action.sender.name.slice(0, 80),
          ...(action.sender.avatarUrl && { icon_url: action.sender.avatarUrl }),
          ...(threadTs !== undefined && { thread_ts: threadTs }),
        }),
      );
      if (answer.ts) added.push(messageId(answer.ts));
    }
    return { externalIds: added };
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
    // A files-only message is a share by the bot whose ts Slack does not return: nothing to
    // react to (documented in docs/slack.md, "Files").
    if (fileIdOf(action.externalId) !== undefined) {
      throw new DeliveryError('Slack: reactions to a bridged file share are not carried', {
        permanent: true,
      });
    }
    const name = reactionToSlack(action.emoji);
    const adding = action.kind === 'react';
    // No Slack name for it: a short line instead of a reaction (./reaction-lines.ts).
    if (!name) return this.lineInstead(channel, action);
    const args = { channel, timestamp: action.externalId, name };
    try {
      if (adding) await this.deps.web().reactions.add(args);
      else await this.deps.web().reactions.remove(args);
    } catch (error) {
      // Already there / already gone is the state asked for.
      const code = slackError(error);
      if (code === 'invalid_name') return this.lineInstead(channel, action);
      if (code !== (adding ? 'already_reacted' : 'no_reaction')) {
        throw toDeliveryError(error, adding ? 'reactions.add' : 'reactions.remove');
      }
    }
    return { externalIds: [] };
  }

  /** A reaction Slack cannot show: posted as a line in the message's thread, or that line deleted. */
  private async lineInstead(channel: string, action: ReactionAction): Promise<DeliveryResult> {
    if (action.kind === 'unreact') {
      const ts = await this.reactionLines.take(action);
      if (ts !== undefined) await this.deleteOne(channel, ts);
      return { externalIds: [] };
    }
    const answer = await this.inChannel(channel, 'chat.postMessage', () =>
      this.deps.web().chat.postMessage({
        channel,
        text: reactionLine(action.emoji),
        username: action.sender.name.slice(0, 80),
        ...(action.sender.avatarUrl && { icon_url: action.sender.avatarUrl }),
        thread_ts: action.externalId,
      }),
    );
    if (answer.ts) await this.reactionLines.remember(action, answer.ts);
    return { externalIds: [] };
  }

  /** Links of attachments not carried: appended to the last part, or posted on their own. */
  private async addLinks(
    channel: string,
    posted: { ts: string; text: string }[],
    links: readonly string[],
    post: (text: string) => Promise<{ ts?: string }>,
  ): Promise<void> {
    const list = links.join('\n');
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

  /** Links of files that could not be shared, posted as the person when nothing else was. */
  private async postLinks(
    posted: { ts: string; text: string }[],
    links: readonly string[],
    post: (text: string) => Promise<{ ts?: string }>,
  ): Promise<void> {
    for (const part of splitText(links.join('\n'), MAX_TEXT, 'chars')) {
      const answer = await post(part);
      if (answer.ts) posted.push({ ts: answer.ts, text: part });
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

function isPermanent(error: unknown): boolean {
  return error instanceof DeliveryError && error.permanent;
}
