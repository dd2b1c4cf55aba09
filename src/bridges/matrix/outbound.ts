/**
 * Outbound actions → Matrix events, sent as the ghost of the Multichat person. Every event's
 * transaction id derives from the router's idempotency key, so a retry after a crash or a lost
 * answer gets the first event id back from the homeserver instead of posting twice.
 *
 * A message goes text first, then one event per file: a file is uploaded as the ghost and sent
 * as `m.image` / `m.video` / `m.audio` / `m.file`; a file that cannot be read or uploaded goes as
 * a text event `name: link` (the gateway's signed link) in its place and is logged, so a file
 * never costs the message. Only an unreachable homeserver fails the send (the router retries
 * it, and the transaction ids make the parts already posted come back instead of repeating).
 *
 * In an encrypted room (encryption on, ./crypto/) every event is encrypted and sent by the bot,
 * the person's name in front as for a linked account: ghosts have no devices of their own
 * (docs/matrix.md, "Encrypted rooms").
 */
import type {
  DeleteAction,
  DeliveryResult,
  EditAction,
  ExternalMessageId,
  LinkTarget,
  MembershipAction,
  OutboundAttachment,
  ReactionAction,
  SendAction,
} from '../types.js';
import { HomeserverUnreachableError, MatrixHttpError, type MatrixApi } from './api.js';
import {
  editContent,
  fileContent,
  plainContent,
  reactionContent,
  textContent,
  withRelation,
} from './content.js';
import type { Ghosts } from './ghosts.js';
import type { MediaUploader } from './media.js';
import { laterTextEvents, redactPart } from './long-edit.js';
import { textParts } from './parts.js';
import { filesFrom, namedContent, speaksThroughBot } from './relay.js';
import type { SealedReactions } from './sealed-reactions.js';

export { MAX_CHARS } from './parts.js';

type Content = Record<string, unknown>;

export interface OutboundDeps {
  readonly api: MatrixApi;
  readonly ghosts: Ghosts;
  readonly media: MediaUploader;
  readonly botUserId: string;
  /** Told when a file is sent as its link because it could not be read or uploaded. */
  readonly onFileAsLink?: (file: OutboundAttachment, error: unknown) => void;
  /** The room id of a target (aliases resolved). */
  roomOf(target: LinkTarget): Promise<string>;
  /** The bot's reactions in encrypted rooms, so a removal finds them (absent: not carried). */
  readonly sealedReactions?: SealedReactions;
  /** Encryption (absent: off). @throws EncryptedRoomRefusedError from `mustEncrypt` */
  readonly encryption?: {
    mustEncrypt(roomId: string): Promise<boolean>;
    encrypt(roomId: string, type: string, content: Content): Promise<Content>;
  };
}

const ids = (list: string[]): DeliveryResult => ({ externalIds: list as ExternalMessageId[] });

export class Outbound {
  constructor(private readonly deps: OutboundDeps) {}

  async send(action: SendAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    const sealed = await this.sealed(room);
    const ghost = await this.speaker(action.sender, room, sealed);
    const relayed = sealed || speaksThroughBot(action.sender);
    const key = action.idempotencyKey;
    // Transaction ids: the text's parts `key`, `key.1`…; the files `key.f0`, `key.f1`…
    const parts: Array<{ txn: string; content: () => Promise<Content> }> = [];
    if (action.text.trim() !== '') {
      // Over MAX_CHARS: several events, each keeping its formatting (./parts.ts).
      const texts = textParts(action);
      // Through the bot (a linked account), the first part names the person.
      if (relayed) texts[0] = namedContent(texts[0]!, action.sender.name);
      for (const [i, content] of texts.entries())
        parts.push({ txn: i === 0 ? key : `${key}.${i}`, content: async () => content });
    } else if (relayed) {
      parts.push({ txn: key, content: async () => filesFrom(action.sender.name) });
    }
    for (const [n, file] of (action.attachments ?? []).entries())
      parts.push({ txn: `${key}.f${n}`, content: () => this.filePart(file, ghost, sealed) });
    const sent: string[] = [];
    for (const [i, part] of parts.entries()) {
      // Upload just before its event, so the text is out before any file is read.
      const content = withRelation(
        await part.content(),
        i === 0 ? action.replyTo : undefined,
        action.threadRoot,
      );
      sent.push(await this.post(room, 'm.room.message', content, part.txn, ghost, sealed));
    }
    return ids(sent);
  }

  /** The event of one file: the uploaded file, or its link when it cannot be had. */
  private async filePart(
    file: OutboundAttachment,
    ghost: string,
    sealed: boolean,
  ): Promise<Content> {
    try {
      // In an encrypted room the bytes go up encrypted and the event names them in `file`.
      if (sealed) return fileContent(await this.deps.media.encryptedAttachment(file, ghost), file);
      const uri = await this.deps.media.attachment(file, ghost);
      return fileContent(uri, file);
    } catch (error) {
      // The homeserver itself is gone: the text would not get through either; retry it all.
      if (error instanceof HomeserverUnreachableError) throw error;
      this.deps.onFileAsLink?.(file, error);
      return plainContent(`${file.name}: ${file.url}`);
    }
  }

  async edit(action: EditAction): Promise<DeliveryResult> {
    const first = action.externalIds[0];
    if (!first) return ids([]);
    const room = await this.deps.roomOf(action.target);
    const sealed = await this.sealed(room);
    const ghost = await this.speaker(action.sender, room, sealed);
    // The long-edit rule (./long-edit.ts): the first event takes the first part (an emote stays
    // one), the original's later text events the further parts (leftovers are redacted), and
    // parts beyond them are posted as new events after it (docs/matrix.md, "Long messages").
    const [head, ...more] = textParts(action);
    const text = head ?? textContent('', { blocks: [] });
    const content = editContent(
      first,
      sealed || speaksThroughBot(action.sender) ? namedContent(text, action.sender.name) : text,
    );
    await this.post(room, 'm.room.message', content, action.idempotencyKey, ghost, sealed);
    const key = action.idempotencyKey;
    const later =
      action.externalIds.length > 1
        ? await laterTextEvents(this.deps.api, room, action.externalIds)
        : [];
    for (const [i, id] of later.entries()) {
      const part = more[i];
      if (part)
        await this.post(
          room,
          'm.room.message',
          editContent(id, part),
          `${key}.e${i}`,
          ghost,
          sealed,
        );
      else await redactPart(this.deps.api, room, id, `${key}.r${i}`, ghost, this.deps.botUserId);
    }
    const added: string[] = [];
    for (const [i, part] of more.slice(later.length).entries()) {
      const event = withRelation(part, undefined, action.threadRoot);
      const txn = `${action.idempotencyKey}.a${i}`;
      added.push(await this.post(room, 'm.room.message', event, txn, ghost, sealed));
    }
    return ids(added);
  }

  /** Redacts every part, as the ghost; falls back to the bot for others' events (moderation). */
  async delete(action: DeleteAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    const ghost = await this.speaker(action.sender, room, await this.sealed(room));
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
    const sealed = await this.sealed(room);
    // In an encrypted room the bot reacts (ghosts have no devices); elsewhere the ghost.
    const ghost = sealed ? this.deps.botUserId : await this.deps.ghosts.ensure(action.sender, room);
    if (action.kind === 'react') {
      const id = await this.post(
        room,
        'm.reaction',
        reactionContent(action.externalId, action.emoji),
        action.idempotencyKey,
        ghost,
        sealed,
      );
      if (sealed)
        await this.deps.sealedReactions?.remember(room, action.externalId, action.emoji, id);
      return ids([id]);
    }
    if (sealed) {
      // Its key is encrypted: the annotations cannot show it (./sealed-reactions.ts).
      const id = await this.deps.sealedReactions?.take(room, action.externalId, action.emoji);
      if (id) await this.deps.api.redact(room, id, `${action.idempotencyKey}.0`, ghost);
      return ids([]);
    }
    // The reaction's own id is not in the contract: find it among the event's annotations.
    const mine = (await this.deps.api.reactions(room, action.externalId)).filter(
      (r) => r.sender === ghost && r.key === action.emoji,
    );
    for (const [i, reaction] of mine.entries())
      await this.deps.api.redact(room, reaction.event_id, `${action.idempotencyKey}.${i}`, ghost);
    return ids([]);
  }

  /**
   * Who posts for `sender`: their ghost, or the bot for a person whose account is linked and
   * in an encrypted room (`sealed`).
   */
  private async speaker(
    sender: SendAction['sender'],
    room: string,
    sealed = false,
  ): Promise<string> {
    if (sealed || speaksThroughBot(sender)) return this.deps.botUserId;
    return this.deps.ghosts.ensure(sender, room);
  }

  /** True when the room's events must be encrypted. @throws EncryptedRoomRefusedError */
  private async sealed(room: string): Promise<boolean> {
    return (await this.deps.encryption?.mustEncrypt(room)) ?? false;
  }

  /** Sends one event, encrypted first in an encrypted room. */
  private async post(
    room: string,
    type: string,
    content: Content,
    txn: string,
    sender: string,
    sealed: boolean,
  ): Promise<string> {
    const encryption = this.deps.encryption;
    if (!sealed || !encryption) return this.deps.api.sendEvent(room, type, content, txn, sender);
    const encrypted = await encryption.encrypt(room, type, content);
    return this.deps.api.sendEvent(room, 'm.room.encrypted', encrypted, txn, sender);
  }

  async membership(action: MembershipAction): Promise<DeliveryResult> {
    const room = await this.deps.roomOf(action.target);
    if (action.kind === 'join') await this.deps.ghosts.ensure(action.sender, room);
    else await this.deps.ghosts.leave(this.deps.ghosts.userIdOf(action.sender), room);
    return ids([]);
  }
}
