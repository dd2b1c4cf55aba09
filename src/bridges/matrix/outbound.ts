/**
 * Outbound actions → Matrix events, sent as the ghost of the Multichat person. Every event's
 * transaction id derives from the router's idempotency key, so a retry after a crash or a lost
 * answer gets the first event id back from the homeserver instead of posting twice.
 */
import { DeliveryError } from '../errors.js';
import { renderMatrixBody, splitText } from '../format/index.js';
import type {
  DeleteAction,
  DeliveryResult,
  EditAction,
  ExternalMessageId,
  MembershipAction,
  ReactionAction,
  SendAction,
} from '../types.js';
import { MatrixHttpError, type MatrixApi } from './api.js';
import {
  editContent,
  fileContent,
  plainContent,
  reactionContent,
  textContent,
  withRelation,
} from './content.js';
import { MediaFetchError } from './errors.js';
import type { Ghosts } from './ghosts.js';
import type { MediaUploader } from './media.js';

/** Longest text sent as one event; Matrix caps events at 64 KiB with HTML and body both inside. */
export const MAX_CHARS = 16_000;

type Content = Record<string, unknown>;

export interface OutboundDeps {
  readonly api: MatrixApi;
  readonly ghosts: Ghosts;
  readonly media: MediaUploader;
  readonly botUserId: string;
  /** Told when an attachment is sent as a link because it cannot be fetched. */
  readonly onFileAsLink?: (url: string, error: MediaFetchError) => void;
  /** The room id of a target (aliases resolved). */
  roomOf(target: Readonly<Record<string, string>>): Promise<string>;
}

const ids = (list: string[]): DeliveryResult => ({ externalIds: list as ExternalMessageId[] });

export class Outbound {
  constructor(private readonly deps: OutboundDeps) {}

  async send(action: SendAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    const ghost = await this.deps.ghosts.ensure(action.sender, room);
    const contents: Content[] = [];
    const attachments = action.attachments ?? [];
    const onlyNames =
      attachments.length > 0 && attachments.some((a) => a.name === action.text.trim());
    if (action.text.trim() !== '' && !onlyNames) {
      if (action.text.length <= MAX_CHARS)
        contents.push(textContent(action.text, action.rich, action.isEmote));
      else
        for (const part of splitText(renderMatrixBody(action.rich), MAX_CHARS, 'chars'))
          contents.push(plainContent(part));
    }
    for (const file of attachments) {
      const uploaded = await this.deps.media
        .upload(file.url, file.name, ghost, file.mimeType)
        .catch((error: unknown) => {
          // A file that will never be fetched (refused address, too large, gone) travels as a
          // link, so the message still arrives; a passing failure throws and the router retries.
          if (!(error instanceof MediaFetchError) || !error.permanent) throw error;
          this.deps.onFileAsLink?.(file.url, error);
          return undefined;
        });
      contents.push(
        uploaded
          ? fileContent(uploaded.uri, file.name, uploaded.contentType, file.size ?? uploaded.size)
          : plainContent(`${file.name}: ${file.url}`),
      );
    }
    const sent: string[] = [];
    for (const [i, content] of contents.entries()) {
      const related = withRelation(
        content,
        i === 0 ? action.replyTo : undefined,
        action.threadRoot,
      );
      const txn = i === 0 ? action.idempotencyKey : `${action.idempotencyKey}.${i}`;
      sent.push(await this.deps.api.sendEvent(room, 'm.room.message', related, txn, ghost));
    }
    return ids(sent);
  }

  async edit(action: EditAction): Promise<DeliveryResult> {
    const first = action.externalIds[0];
    if (!first) return ids([]);
    const room = await this.deps.roomOf(action.target);
    const ghost = await this.deps.ghosts.ensure(action.sender, room);
    const content = editContent(first, textContent(action.text, action.rich));
    await this.deps.api.sendEvent(room, 'm.room.message', content, action.idempotencyKey, ghost);
    return ids([]);
  }

  /** Redacts every part, as the ghost; falls back to the bot for others' events (moderation). */
  async delete(action: DeleteAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    const ghost = await this.deps.ghosts.ensure(action.sender, room);
    for (const [i, eventId] of action.externalIds.entries()) {
      const txn = `${action.idempotencyKey}.${i}`;
      try {
        await this.deps.api.redact(room, eventId, txn, ghost);
      } catch (error) {
        if (!(error instanceof MatrixHttpError)) throw error;
        if (error.status === 404) continue; // already gone
        if (error.status !== 403) throw error;
        await this.deps.api.redact(room, eventId, txn, this.deps.botUserId);
      }
    }
    return ids([]);
  }

  async react(action: ReactionAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    const ghost = await this.deps.ghosts.ensure(action.sender, room);
    if (action.kind === 'react') {
      const id = await this.deps.api.sendEvent(
        room,
        'm.reaction',
        reactionContent(action.externalId, action.emoji),
        action.idempotencyKey,
        ghost,
      );
      return ids([id]);
    }
    // The reaction's own id is not in the contract: find it among the event's annotations.
    const mine = (await this.deps.api.reactions(room, action.externalId)).filter(
      (r) => r.sender === ghost && r.key === action.emoji,
    );
    for (const [i, reaction] of mine.entries())
      await this.deps.api.redact(room, reaction.event_id, `${action.idempotencyKey}.${i}`, ghost);
    return ids([]);
  }

  async membership(action: MembershipAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    if (action.kind === 'join') await this.deps.ghosts.ensure(action.sender, room);
    else await this.deps.ghosts.leave(this.deps.ghosts.userIdOf(action.sender), room);
    return ids([]);
  }
}

/** A target without a usable `room` field. */
export function badTarget(target: Readonly<Record<string, string>>): DeliveryError {
  return new DeliveryError(
    `a Matrix link target needs {room: "!id:server" | "#alias:server"}, got ${JSON.stringify(target)}`,
    { permanent: true },
  );
}
