/**
 * One handler per kind of event at a target, called with what the resolve step found. Role
 * changes are submitted by the gateway's own profile, which is admin of the channels it created
 * for links (and of no other channel). A new event kind adds its entry here (the table's type
 * makes a missing one a compile error). Every return that leaves the event out of the core goes
 * through `notCarried` (runtime/dropped.ts: counted and logged).
 */
import { IntentRejectedError } from '../../core/errors.js';
import type { Intent, Role, UserId, UserView } from '../../core/types.js';
import type { ExternalMessageId, TargetKey } from '../../mapping/types.js';
import type { ExternalSender, InboundEvent } from '../types.js';
import type { RuntimeContext } from './context.js';
import { networkTextToMarkdown } from './convert.js';
import { notCarried } from './not-carried.js';
import { handleMessage } from './inbound-message.js';
import { handleTopic } from './inbound-topic.js';
import { GATEWAY_ORIGIN } from './links.js';
import type { ActionKey } from './origins.js';
import { ensureMember, ensureUser } from './people.js';
import { mentionedUsers, type Resolved, type TargetedEvent } from './resolve.js';

type Handler<K extends TargetedEvent['kind']> = (
  ctx: RuntimeContext,
  r: Resolved,
  event: Extract<InboundEvent, { kind: K }>,
) => Promise<void>;

export type HandlerTable = { readonly [K in TargetedEvent['kind']]: Handler<K> };

export const handlers: HandlerTable = {
  message: handleMessage,
  topic: handleTopic,
  join: async (ctx, r, event) => {
    if (!(await ensureMember(ctx, r.link, (await person(ctx, r, event)).id))) {
      notCarried(ctx, r, event, 'banned');
    }
  },
  leave: async (ctx, r, event) => {
    const user = await person(ctx, r, event);
    const role = ctx.node.roleOf(r.link.channel, user.id);
    // Every role's leave is carried: a moderator or admin who leaves the network's channel
    // leaves the Multichat channel too (and loses the role there, as on IRC or Matrix). A
    // banned person stays banned (leaving does not lift a ban); a non-member has nothing to do.
    if (role !== undefined && role !== 'banned') {
      await ctx.node.submit(user.id, { kind: 'leaveChannel', channel: r.link.channel });
    }
  },
  role: async (ctx, r, event) => role(ctx, r, (await person(ctx, r, event)).id, event.role),
  edit: async (ctx, r, event) => {
    const user = await person(ctx, r, event);
    const message = await memberAndMessage(ctx, r, user.id, event);
    if (!message) return;
    const users = mentionedUsers(ctx, r, {
      externalId: event.sender.externalId,
      user: { id: user.id, name: user.username },
    });
    const text = r.parsed ? networkTextToMarkdown(r.parsed, users) : event.text;
    await noted(ctx, { kind: 'edit', message, user: user.id }, r, user.id, {
      kind: 'editMessage',
      message,
      text,
      // The network says whether the new text is an emote (Matrix m.new_content); when it
      // does not, the core keeps what the message was.
      ...(event.isEmote !== undefined && { emote: event.isEmote }),
    });
  },
  delete: async (ctx, r, event) => {
    const mapped = r.found.messages.get(event.externalId)?.messageId;
    if (!event.sender) {
      // No deleter named: redact as the message's own sender, which works only for a person
      // this gateway bridged (the core refuses anyone else, and the refusal is logged).
      const sender = mapped && ctx.node.getMessage(mapped)?.sender.id;
      if (!mapped || !sender) return notCarried(ctx, r, event, 'unknown_message');
      await noted(ctx, { kind: 'delete', message: mapped, user: sender }, r, sender, {
        kind: 'redactMessage',
        message: mapped,
      });
      return;
    }
    const user = await person(ctx, r, { sender: event.sender });
    const message = await memberAndMessage(ctx, r, user.id, event);
    if (!message) return;
    await noted(ctx, { kind: 'delete', message, user: user.id }, r, user.id, {
      kind: 'redactMessage',
      message,
    });
  },
  reaction: async (ctx, r, event) => {
    const user = await person(ctx, r, event);
    const message = await memberAndMessage(ctx, r, user.id, event);
    if (!message) return;
    const kind = event.added ? 'react' : 'unreact';
    await noted(ctx, { kind, message, user: user.id, emoji: event.emoji }, r, user.id, {
      kind,
      message,
      emoji: event.emoji,
    });
  },
};

function person(
  ctx: RuntimeContext,
  r: Resolved,
  event: { readonly sender: ExternalSender },
): Promise<UserView> {
  const known = r.found.identities.get(event.sender.externalId) ?? null;
  return ensureUser(ctx, r.network, event.sender, known);
}

/**
 * The message an edit, delete or reaction is about; undefined (a counted drop) when the person
 * is banned or the message was never bridged.
 */
async function memberAndMessage(
  ctx: RuntimeContext,
  r: Resolved,
  user: UserId,
  event: TargetedEvent & { readonly externalId: ExternalMessageId },
) {
  if (!(await ensureMember(ctx, r.link, user))) return notCarried(ctx, r, event, 'banned');
  const message = r.found.messages.get(event.externalId)?.messageId;
  return message ?? notCarried(ctx, r, event, 'unknown_message');
}

/**
 * Gives `user` the role the network reported, as the gateway's own profile. A person new to
 * the channel joins first (except to be banned). When the gateway is not admin of the channel
 * (a channel a person created and linked), the core refuses: logged and dropped, since the
 * network's role change cannot be carried without the rights to make it.
 */
async function role(ctx: RuntimeContext, r: Resolved, user: UserId, role: Role): Promise<void> {
  const channel = r.link.channel;
  const current = ctx.node.roleOf(channel, user);
  if (current === role) return;
  if (current === undefined && role !== 'banned') {
    if (!(await ensureMember(ctx, r.link, user))) {
      ctx.drops.drop(r.network, 'role', 'banned', { direction: 'inbound', channel });
      return;
    }
    if (role === 'member') return; // joining made them one
  }
  const gateway = await ctx.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
  try {
    await noted(ctx, { kind: 'role', channel, user, role }, r, gateway.id, {
      kind: 'setRole',
      channel,
      user,
      role,
    });
  } catch (error) {
    if (!(error instanceof IntentRejectedError)) throw error;
    ctx.logger.warn(
      { network: r.network, channel, user, role, rule: error.rule, reason: error.message },
      'role change not bridged: the gateway profile is not admin of this channel ' +
        '(only channels the gateway created for links take roles from networks)',
    );
    ctx.drops.drop(r.network, 'role', 'not_admin', { direction: 'inbound', channel });
  }
}

/** Submits an action whose core event must not be reflected back to its origin target. */
async function noted(
  ctx: RuntimeContext,
  key: ActionKey,
  r: { readonly network: string; readonly link: { readonly targetKey: TargetKey } },
  user: UserId,
  intent: Intent,
): Promise<void> {
  const unnote = ctx.origins.note(key, { network: r.network, targetKey: r.link.targetKey });
  try {
    await ctx.node.submit(user, intent);
  } finally {
    unnote();
  }
}
