/**
 * The solver: completes an intent (a partial transaction) into a full one against the current
 * state, or refuses it with an error a user can read. Validation by the logics happens after,
 * in node.ts, exactly as for transactions that arrive from peers.
 *
 * Resource ids are hashes of the resource's data, so every resource a user may create again
 * with the same value (a role, a reaction, a profile) carries a fresh `nonce`: without it, a
 * join after a leave would name the very resource the leave consumed.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from './errors.js';
import type { StateView } from './logics/types.js';
import { attachmentsProblem, mentionsProblem } from './logics/attachments.js';
import { reactionKeyProblem, requireName } from './names.js';
import type { CoreLimits } from './options.js';
import { makeContent, resourceIdOf, slotOf, uniqueNonce, utf8Length } from './resources.js';
import type {
  ChannelId,
  ContentHash,
  Intent,
  IntentOf,
  MessageId,
  Resource,
  ResourceId,
  Transaction,
  UserId,
} from './types.js';

export interface Completion {
  readonly tx: Omit<Transaction, 'deps'>;
  readonly contents: Map<ContentHash, Uint8Array>;
  /** The resource the caller cares about (the message, the channel…). */
  readonly principal?: ResourceId;
  /** Plaintext of sealed contents, by content hash, for the sender's own view of the message. */
  readonly plain?: Map<ContentHash, Uint8Array>;
  /** Runs inside the commit that appends the transaction (a sender chain moving on). */
  readonly persist?: () => void;
}

/** Seals a plaintext content blob for an encrypted channel (src/core/e2ee). */
export type ContentSealer = (
  channel: ChannelId,
  sender: UserId,
  plain: Uint8Array,
) => {
  hash: ContentHash;
  bytes: Uint8Array;
  creates: readonly Resource[];
  persist: () => void;
};

export interface SolverContext {
  readonly state: StateView;
  readonly limits: CoreLimits;
  readonly now: number;
  readonly seal?: ContentSealer;
}

/**
 * The content blob of a text: plaintext, or in an encrypted channel sealed by the sender's chain
 * (the log then commits to the ciphertext), with the key shares a new chain needs.
 */
function contentFor(
  ctx: SolverContext,
  channel: ChannelId,
  sender: UserId,
  text: string,
  emote = false,
) {
  const content = makeContent(text, emote);
  if (!ctx.state.channel(channel)?.settings.encrypted) {
    return { hash: content.hash, bytes: content.bytes, creates: [] as Resource[] };
  }
  if (!ctx.seal)
    throw new ValidationError('channel', 'this node cannot seal for encrypted channels');
  const sealed = ctx.seal(channel, sender, content.bytes);
  return { ...sealed, creates: [...sealed.creates], plain: content.bytes };
}

function tx(
  intent: Intent['kind'],
  actor: UserId,
  creates: Resource[],
  consumes: ResourceId[] = [],
  channel?: ChannelId,
): Omit<Transaction, 'deps'> {
  return { intent, actor, creates, consumes, ...(channel && { channel }) };
}

function requireChannel(ctx: SolverContext, channel: ChannelId) {
  const data = ctx.state.channel(channel);
  if (!data) throw new NotFoundError('channel', channel);
  return data;
}

function requireMessage(ctx: SolverContext, id: MessageId) {
  const message = ctx.state.message(id);
  if (!message || message.deleted) throw new NotFoundError('message', id);
  return message.data;
}

/** `mayBeEmpty`: a message with files may have no text (a file without a caption). */
function checkText(ctx: SolverContext, text: unknown, mayBeEmpty = false): string {
  if (typeof text !== 'string' || (!mayBeEmpty && text.trim() === '')) {
    throw new ValidationError(
      'text',
      mayBeEmpty ? 'text must be a string' : 'text must be a non-empty string',
    );
  }
  const bytes = utf8Length(text);
  if (bytes > ctx.limits.maxMessageBytes) {
    throw new PayloadTooLargeError('text', ctx.limits.maxMessageBytes, bytes);
  }
  return text;
}

function liveOne(ctx: SolverContext, resource: Resource): ResourceId | undefined {
  return ctx.state.live(slotOf(resource))[0];
}

type Solver<K extends Intent['kind']> = (
  actor: UserId,
  intent: IntentOf<K>,
  ctx: SolverContext,
) => Completion;

const solvers: { [K in Intent['kind']]: Solver<K> } = {
  createChannel(actor, intent) {
    const channelId = `c_${randomBytes(16).toString('base64url')}` as ChannelId;
    const channel: Resource<'channel'> = {
      kind: 'channel',
      data: {
        channelId,
        name: requireName('name', intent.name, 'channel name'),
        ...(intent.topic !== undefined && { topic: requireName('topic', intent.topic, 'topic') }),
        creator: actor,
        settings: {
          encrypted: intent.encrypted ?? false,
          visibility: intent.visibility ?? 'public',
          ...(intent.retentionSeconds !== undefined && {
            retentionSeconds: intent.retentionSeconds,
          }),
        },
      },
    };
    const access: Resource = {
      kind: 'channelAccess',
      data: { channel: channelId, user: actor, role: 'admin', grantedBy: actor },
    };
    return {
      tx: tx('createChannel', actor, [channel, access], [], channelId),
      contents: new Map(),
      principal: resourceIdOf(channel),
    };
  },
  joinChannel(actor, intent, ctx) {
    requireChannel(ctx, intent.channel);
    const access: Resource = {
      kind: 'channelAccess',
      data: {
        channel: intent.channel,
        user: actor,
        role: 'member',
        grantedBy: actor,
        nonce: uniqueNonce(),
      },
    };
    const role = ctx.state.role(intent.channel, actor);
    if (role && role !== 'banned') throw new ConflictError(`already a ${role} of this channel`);
    const current = liveOne(ctx, access);
    return {
      tx: tx('joinChannel', actor, [access], current ? [current] : [], intent.channel),
      contents: new Map(),
    };
  },
  leaveChannel(actor, intent, ctx) {
    requireChannel(ctx, intent.channel);
    const current = liveOne(ctx, {
      kind: 'channelAccess',
      data: { channel: intent.channel, user: actor, role: 'member', grantedBy: actor },
    });
    if (!current) throw new NotFoundError('membership of channel', intent.channel);
    return { tx: tx('leaveChannel', actor, [], [current], intent.channel), contents: new Map() };
  },
  setTopic(actor, intent, ctx) {
    const current = requireChannel(ctx, intent.channel);
    if (typeof intent.topic !== 'string') {
      throw new ValidationError('topic', 'topic must be a string');
    }
    // The channel resource is replaced whole; channelLogic lets only an admin consume it.
    const { channelId, name, creator, settings } = current;
    const next: Resource<'channel'> = {
      kind: 'channel',
      data: {
        channelId,
        name,
        creator,
        settings,
        ...(intent.topic !== '' && { topic: requireName('topic', intent.topic, 'topic') }),
        nonce: uniqueNonce(),
      },
    };
    const live = liveOne(ctx, next);
    return {
      tx: tx('setTopic', actor, [next], live ? [live] : [], intent.channel),
      contents: new Map(),
    };
  },
  setRole(actor, intent, ctx) {
    requireChannel(ctx, intent.channel);
    if (!ctx.state.profile(intent.user)) throw new NotFoundError('user', intent.user);
    const access: Resource = {
      kind: 'channelAccess',
      data: {
        channel: intent.channel,
        user: intent.user,
        role: intent.role,
        grantedBy: actor,
        nonce: uniqueNonce(),
      },
    };
    const current = liveOne(ctx, access);
    return {
      tx: tx('setRole', actor, [access], current ? [current] : [], intent.channel),
      contents: new Map(),
    };
  },
  sendMessage(actor, intent, ctx) {
    requireChannel(ctx, intent.channel);
    const attachmentIssue = attachmentsProblem(intent.attachments);
    if (attachmentIssue) throw new ValidationError('attachments', attachmentIssue);
    const mentionIssue = mentionsProblem(intent.mentions);
    if (mentionIssue) throw new ValidationError('mentions', mentionIssue);
    for (const user of intent.mentions ?? []) {
      if (!ctx.state.profile(user)) {
        throw new ValidationError('mentions', `mentions names unknown user ${user}`);
      }
    }
    const text = checkText(ctx, intent.text, (intent.attachments?.length ?? 0) > 0);
    for (const [field, id] of [
      ['replyTo', intent.replyTo],
      ['threadRoot', intent.threadRoot],
    ] as const) {
      if (id !== undefined && ctx.state.message(id)?.data.channel !== intent.channel) {
        throw new ValidationError(field, `${field} names no message of this channel`);
      }
    }
    if (intent.expiresInSeconds !== undefined) {
      const seconds = intent.expiresInSeconds;
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > ctx.limits.maxExpirySeconds) {
        throw new ValidationError(
          'expiresInSeconds',
          `expiresInSeconds must be between 1 and ${ctx.limits.maxExpirySeconds}`,
        );
      }
    }
    const createdAt = importedTime(intent, ctx.now);
    const n = uniqueNonce();
    const content = contentFor(ctx, intent.channel, actor, text, intent.emote === true);
    const message: Resource<'message'> = {
      kind: 'message',
      data: {
        channel: intent.channel,
        sender: actor,
        contentHash: content.hash,
        contentLength: utf8Length(text),
        format: 'markdown',
        createdAt,
        ...(intent.expiresInSeconds !== undefined && {
          expiresAt: ctx.now + Math.round(intent.expiresInSeconds * 1000),
        }),
        ...(intent.replyTo !== undefined && { replyTo: intent.replyTo }),
        ...(intent.threadRoot !== undefined && { threadRoot: intent.threadRoot }),
        ...(intent.attachments?.length && { attachments: intent.attachments }),
        ...(intent.mentions?.length && { mentions: intent.mentions }),
        ...(intent.origin && { origin: intent.origin }),
        nonce: n,
      },
    };
    return {
      tx: tx('sendMessage', actor, [...content.creates, message], [], intent.channel),
      contents: new Map([[content.hash, content.bytes]]),
      principal: resourceIdOf(message),
      ...sealedParts(content),
    };
  },
  editMessage(actor, intent, ctx) {
    const target = requireMessage(ctx, intent.message);
    const text = checkText(ctx, intent.text);
    const n = uniqueNonce();
    const content = contentFor(ctx, target.channel, actor, text, intent.emote === true);
    const edit: Resource = {
      kind: 'edit',
      data: {
        message: intent.message,
        channel: target.channel,
        editor: actor,
        contentHash: content.hash,
        contentLength: utf8Length(text),
        editedAt: ctx.now,
        nonce: n,
      },
    };
    const previous = liveOne(ctx, edit);
    return {
      tx: tx(
        'editMessage',
        actor,
        [...content.creates, edit],
        previous ? [previous] : [],
        target.channel,
      ),
      contents: new Map([[content.hash, content.bytes]]),
      principal: intent.message,
      ...sealedParts(content),
    };
  },
  redactMessage(actor, intent, ctx) {
    const target = requireMessage(ctx, intent.message);
    const redaction: Resource = {
      kind: 'redaction',
      data: {
        message: intent.message,
        channel: target.channel,
        redactor: actor,
        cause: 'user',
        ...(intent.reason !== undefined && { reason: intent.reason }),
      },
    };
    return {
      tx: tx('redactMessage', actor, [redaction], [intent.message], target.channel),
      contents: new Map(),
      principal: intent.message,
    };
  },
  react(actor, intent, ctx) {
    const target = requireMessage(ctx, intent.message);
    if (typeof intent.emoji !== 'string' || intent.emoji.length === 0) {
      throw new ValidationError('emoji', 'emoji must be a non-empty string');
    }
    const emojiIssue = reactionKeyProblem(intent.emoji);
    if (emojiIssue) throw new ValidationError('emoji', `emoji: ${emojiIssue}`);
    const reaction: Resource = {
      kind: 'reaction',
      data: {
        message: intent.message,
        channel: target.channel,
        user: actor,
        emoji: intent.emoji,
        nonce: uniqueNonce(),
      },
    };
    if (liveOne(ctx, reaction)) throw new ConflictError('you already reacted with this emoji');
    return {
      tx: tx('react', actor, [reaction], [], target.channel),
      contents: new Map(),
      principal: resourceIdOf(reaction),
    };
  },
  unreact(actor, intent, ctx) {
    const target = requireMessage(ctx, intent.message);
    const current = liveOne(ctx, {
      kind: 'reaction',
      data: { message: intent.message, channel: target.channel, user: actor, emoji: intent.emoji },
    });
    if (!current) throw new NotFoundError('reaction', intent.emoji);
    return { tx: tx('unreact', actor, [], [current], target.channel), contents: new Map() };
  },
  updateProfile(actor, intent, ctx) {
    const current = ctx.state.profile(actor);
    if (!current) throw new NotFoundError('user', actor);
    const next: Resource = {
      kind: 'userProfile',
      data: {
        ...current,
        ...(intent.username !== undefined && {
          username: requireName('username', intent.username, 'username'),
        }),
        ...(intent.avatar !== undefined && { avatar: intent.avatar }),
        nonce: uniqueNonce(),
      },
    };
    const live = liveOne(ctx, next);
    return { tx: tx('updateProfile', actor, [next], live ? [live] : []), contents: new Map() };
  },
  setPresence() {
    throw new ValidationError('kind', 'presence is not a transaction; use the presence service');
  },
};

function sealedParts(content: ReturnType<typeof contentFor>) {
  if (!('plain' in content)) return {};
  return { plain: new Map([[content.hash, content.plain]]), persist: content.persist };
}

export function completeIntent(actor: UserId, intent: Intent, ctx: SolverContext): Completion {
  const solver = solvers[intent.kind] as Solver<Intent['kind']> | undefined;
  if (!solver) throw new ValidationError('kind', `unknown intent ${String(intent.kind)}`);
  return solver(actor, intent as never, ctx);
}

/**
 * The createdAt of a message: the clock's now, or for imported history (origin.imported) the
 * original time the importer gives, which messageLogic bounds (docs/protocol.md, "Imported
 * history"). An expiry is relative to now, so it does not go with a claimed time.
 */
function importedTime(intent: IntentOf<'sendMessage'>, now: number): number {
  if (intent.createdAt === undefined) return now;
  if (intent.origin?.imported !== true) {
    throw new ValidationError(
      'createdAt',
      'only imported history (origin.imported) gives createdAt',
    );
  }
  if (intent.expiresInSeconds !== undefined) {
    throw new ValidationError('createdAt', 'imported history does not expire by expiresInSeconds');
  }
  if (!Number.isSafeInteger(intent.createdAt) || intent.createdAt < 0) {
    throw new ValidationError('createdAt', 'createdAt is whole milliseconds since the epoch');
  }
  return intent.createdAt;
}
