/**
 * messageLogic, editLogic, redactionLogic, reactionLogic: who may send, edit, delete and react,
 * and the limits on what they send.
 */
import { reactionKeyProblem } from '../names.js';
import { MAX_SKEW_MS } from '../hlc.js';
import { roleRank } from '../resources.js';
import { attachmentsProblem, mentionsProblem } from './attachments.js';
import type { ChannelId, MessageData, MessageId, UserId } from '../types.js';
import {
  firstRefusal,
  firstRefusalOf,
  refuse,
  type Check,
  type ResourceLogic,
  type StateView,
  type TxContext,
  type Verdict,
} from './types.js';

function mustBeMember(channel: ChannelId, user: UserId, state: StateView, rule: string): Verdict {
  const role = state.role(channel, user);
  if (role === 'banned') return refuse(`${rule}.banned`, 'you are banned from this channel');
  return role ? undefined : refuse(`${rule}.member`, 'only members of the channel may do this');
}

/**
 * A time a message carries (createdAt, editedAt) is the author's clock when it wrote the entry,
 * so it lies within the skew window of the entry's HLC wall: nobody backdates a message to
 * 2000-01-01 or dates it in the future. Local writes take both from the same clock.
 * History imported from another network keeps its original time as the importing node's marked
 * claim (origin.imported, mustBeImported below); the entry's clock stays honest.
 */
function mustBeNow(time: unknown, ctx: TxContext, rule: string, field: string): Verdict {
  return Number.isSafeInteger(time) && Math.abs((time as number) - ctx.hlc.wall) <= MAX_SKEW_MS
    ? undefined
    : refuse(rule, `${field} must be within ${MAX_SKEW_MS} ms of the entry's clock`);
}

/**
 * Imported history (origin.imported) keeps its original time: the importing node's marked claim,
 * so it may lie in the past, but never ahead of the entry's clock by more than the skew window,
 * and only for a bridged person the entry's author speaks for (no native user backdates).
 */
function mustBeImported(time: unknown, sender: UserId, ctx: TxContext, state: StateView): Verdict {
  if (!state.profile(sender)?.controller) {
    return refuse('message.imported', 'only a bridged person’s message may be imported history');
  }
  return Number.isSafeInteger(time) &&
    (time as number) >= 0 &&
    (time as number) <= ctx.hlc.wall + MAX_SKEW_MS
    ? undefined
    : refuse('message.time', `an imported createdAt is not after the entry's clock`);
}

function mustExistIn(
  channel: ChannelId,
  id: MessageId | undefined,
  state: StateView,
  rule: string,
) {
  if (id === undefined) return undefined;
  const target = state.message(id);
  return target && target.data.channel === channel
    ? undefined
    : refuse(rule, `message ${id} is not in this channel`);
}

/** messageLogic's checks of a new message, in order (every message sent runs them). */
const messageChecks: readonly Check<MessageData>[] = [
  (data, ctx) =>
    data.sender === ctx.tx.actor
      ? undefined
      : refuse('message.sender', 'the sender of a message is the acting user'),
  (data, _ctx, state) =>
    state.channel(data.channel)
      ? undefined
      : refuse('message.channel', `channel ${data.channel} does not exist`),
  (data, _ctx, state) => mustBeMember(data.channel, data.sender, state, 'message'),
  (data, ctx, state) =>
    data.origin?.imported === true
      ? mustBeImported(data.createdAt, data.sender, ctx, state)
      : mustBeNow(data.createdAt, ctx, 'message.time', 'createdAt'),
  (data, _ctx, state) => {
    const flags = state.permissions(data.sender);
    return flags && !flags.includes('sendMessage')
      ? refuse('permissions.sendMessage', 'this user may not send messages')
      : undefined;
  },
  (data, ctx) =>
    data.contentLength <= ctx.limits.maxMessageBytes
      ? undefined
      : refuse('message.size', `a message has at most ${ctx.limits.maxMessageBytes} bytes`),
  (data, ctx) => {
    if (data.expiresAt === undefined) return undefined;
    const ok =
      data.expiresAt > data.createdAt &&
      data.expiresAt - data.createdAt <= ctx.limits.maxExpirySeconds * 1000;
    return ok
      ? undefined
      : refuse('message.expiry', 'expiry must be after sending and within the maximum');
  },
  (data, _ctx, state) => mustExistIn(data.channel, data.replyTo, state, 'message.reply'),
  (data, _ctx, state) => mustExistIn(data.channel, data.threadRoot, state, 'message.thread'),
  (data) => {
    const problem = attachmentsProblem(data.attachments);
    return problem ? refuse('message.attachments', problem) : undefined;
  },
  (data) => {
    const problem = mentionsProblem(data.mentions);
    return problem ? refuse('message.mentions', problem) : undefined;
  },
];

export const messageLogic: ResourceLogic<'message'> = {
  onCreate(data, ctx, state) {
    return firstRefusalOf(messageChecks, data, ctx, state);
  },
  onConsume(data, ctx, state) {
    // The sender deletes their own message only while a member: a banned user cannot wipe what
    // they wrote, while a moderator still can.
    if (data.sender === ctx.tx.actor)
      return mustBeMember(data.channel, ctx.tx.actor, state, 'redaction');
    const role = state.role(data.channel, ctx.tx.actor);
    return role && roleRank[role] >= roleRank.moderator
      ? undefined
      : refuse('redaction.rights', 'only the sender or a moderator may delete a message');
  },
};

export const editLogic: ResourceLogic<'edit'> = {
  onCreate(data, ctx, state) {
    const target = state.message(data.message);
    return firstRefusal(
      () => (target ? undefined : refuse('edit.message', `message ${data.message} not found`)),
      () =>
        target && target.data.sender === ctx.tx.actor && data.editor === ctx.tx.actor
          ? undefined
          : refuse('edit.sender', 'only the sender may edit a message'),
      () =>
        target?.deleted ? refuse('edit.deleted', 'a deleted message cannot be edited') : undefined,
      // Leaving or being banned ends the right to rewrite what one said there.
      () => mustBeMember(target!.data.channel, ctx.tx.actor, state, 'edit'),
      () => mustBeNow(data.editedAt, ctx, 'edit.time', 'editedAt'),
      () =>
        data.contentLength <= ctx.limits.maxMessageBytes
          ? undefined
          : refuse('message.size', `a message has at most ${ctx.limits.maxMessageBytes} bytes`),
    );
  },
  onConsume(data, ctx) {
    return data.editor === ctx.tx.actor
      ? undefined
      : refuse('edit.sender', 'only the sender may edit a message');
  },
};

export const redactionLogic: ResourceLogic<'redaction'> = {
  onCreate(data, ctx) {
    return data.redactor === ctx.tx.actor &&
      ctx.consumed.some((c) => c.id === data.message && c.resource.kind === 'message')
      ? undefined
      : refuse('redaction.consume', 'a redaction consumes the message it deletes');
  },
  onConsume() {
    return refuse('redaction.final', 'a redaction cannot be undone');
  },
};

export const reactionLogic: ResourceLogic<'reaction'> = {
  onCreate(data, ctx, state) {
    const target = state.message(data.message);
    return firstRefusal(
      () =>
        data.user === ctx.tx.actor
          ? undefined
          : refuse('reaction.user', 'a reaction belongs to the acting user'),
      () =>
        target && !target.deleted && target.data.channel === data.channel
          ? undefined
          : refuse('reaction.message', `message ${data.message} cannot be reacted to`),
      () => mustBeMember(data.channel, data.user, state, 'reaction'),
      () => {
        const issue = reactionKeyProblem(data.emoji);
        return issue ? refuse('reaction.emoji', issue) : undefined;
      },
    );
  },
  onConsume(data, ctx) {
    return data.user === ctx.tx.actor
      ? undefined
      : refuse('reaction.owner', 'only the user who reacted may remove the reaction');
  },
};
