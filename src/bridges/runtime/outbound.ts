/**
 * Turns a stored delivery into the adapter's action at send time: current text converted to the
 * adapter's markup, the sender's current name and avatar, and the external ids the action refers
 * to, read from the message map (so they survive restarts). Returns a skip reason when there is
 * nothing to do any more (message gone, the original never reached this target), with the
 * bounded reason the worker counts it under (runtime/dropped.ts).
 */
import type { MessageId, MessageView, UserId } from '../../core/types.js';
import type { Delivery, ExternalMessageId, Link } from '../../mapping/types.js';
import type { BridgeAdapter, SenderDisplay } from '../types.js';
import type { RuntimeContext } from './context.js';
import { renderForNetwork } from './convert.js';
import { outboundFiles } from './media-out.js';
import { bridgedReactorLeft } from './reactors.js';
import { relationsFor } from './relations.js';
import { replayPrefix } from './replay.js';
import { withNativeSender } from './native-sender.js';
import type { Resolved } from './resolved-action.js';
import type { PlannedAction } from './plan.js';
import { topicAction } from './topics.js';

export type { Resolved } from './resolved-action.js';

export async function resolveAction(
  ctx: RuntimeContext,
  adapter: BridgeAdapter,
  link: Link,
  delivery: Delivery,
  planned: PlannedAction,
): Promise<Resolved> {
  // A person with their own (linked) account on the target gets no ghost or puppet there.
  return withNativeSender(
    ctx,
    link.network,
    await plainAction(ctx, adapter, link, delivery, planned),
  );
}

async function plainAction(
  ctx: RuntimeContext,
  adapter: BridgeAdapter,
  link: Link,
  delivery: Delivery,
  planned: PlannedAction,
): Promise<Resolved> {
  const base = {
    target: link.target,
    targetKey: link.targetKey,
    idempotencyKey: delivery.idempotencyKey,
  };
  if (planned.kind === 'join' || planned.kind === 'leave') {
    const sender = senderOf(ctx, planned.user);
    return sender
      ? { action: { ...base, kind: planned.kind, sender } }
      : { skip: 'user unknown', reason: 'unknown_user' };
  }
  if (planned.kind === 'topic') return topicAction(ctx, link, base, planned.topic);
  if (planned.kind === 'role') {
    const sender = senderOf(ctx, planned.user);
    if (!sender) return { skip: 'user unknown', reason: 'unknown_user' };
    return { action: { ...base, kind: 'role', sender, role: planned.role } };
  }
  const message = ctx.node.getMessage(planned.message);
  if (!message) return { skip: 'message unknown', reason: 'unknown_message' };
  const sender = senderOf(
    ctx,
    planned.kind === 'react' || planned.kind === 'unreact' ? planned.user : message.sender.id,
  );
  if (!sender) return { skip: 'sender unknown', reason: 'unknown_user' };
  // A send refers to no earlier copy: only the other kinds read the message map (one store
  // read less on the relay's path, bench/relay-irc.ts).
  if (planned.kind === 'send') {
    if (message.deleted || message.text === null)
      return { skip: 'message deleted before delivery', reason: 'message_gone' };
    return {
      action: {
        ...base,
        kind: 'send',
        sender,
        ...(await sendBody(ctx, adapter, link, message, planned.replay === true)),
      },
      message: message.id,
    };
  }
  const ids = await externalIds(ctx, link, message.id);
  switch (planned.kind) {
    case 'edit': {
      if (ids.length === 0)
        return { skip: 'original not delivered to this target', reason: 'unknown_message' };
      if (message.text === null) return { skip: 'message deleted', reason: 'message_gone' };
      const body = await renderForNetwork(
        ctx,
        message.text,
        adapter.capabilities.markup,
        link.network,
        message.mentions,
      );
      // The edit keeps what the send carried around the text (reply line or quote, thread),
      // and the parts a longer edit posts after the original join the message (types.ts).
      const relations = await relationsFor(ctx, adapter.capabilities, link, message);
      return {
        action: {
          ...base,
          kind: 'edit',
          sender,
          externalIds: ids,
          ...body,
          ...relations,
          ...(message.emote && { isEmote: true }),
        },
        message: message.id,
      };
    }
    case 'delete':
      if (ids.length === 0)
        return { skip: 'original not delivered to this target', reason: 'unknown_message' };
      return { action: { ...base, kind: 'delete', sender, externalIds: ids } };
    case 'react':
    case 'unreact': {
      const first = ids[0];
      if (first === undefined)
        return { skip: 'original not delivered to this target', reason: 'unknown_message' };
      // One bot reaction stands for every bridged reactor there: it stays until the last goes.
      if (
        planned.kind === 'unreact' &&
        adapter.capabilities.reactionsPerPerson !== true &&
        (await bridgedReactorLeft(ctx, link, message, planned.emoji))
      )
        return { skip: 'another bridged person still reacts with this emoji', done: true };
      const action = {
        ...base,
        kind: planned.kind,
        sender,
        externalId: first,
        emoji: planned.emoji,
      };
      return { action };
    }
  }
}

function senderOf(ctx: RuntimeContext, user: UserId): SenderDisplay | undefined {
  const view = ctx.node.getUser(user);
  if (!view) return undefined;
  return {
    id: view.id,
    name: view.username,
    ...(view.avatar !== undefined && { avatarUrl: view.avatar }),
  };
}

async function externalIds(
  ctx: RuntimeContext,
  link: Link,
  message: MessageId,
): Promise<ExternalMessageId[]> {
  const rows = await ctx.store.messages.listByMessage(message, {
    network: link.network,
    targetKey: link.targetKey,
  });
  return rows.map((r) => r.externalId);
}

async function sendBody(
  ctx: RuntimeContext,
  adapter: BridgeAdapter,
  link: Link,
  message: MessageView,
  replay = false,
) {
  const caps = adapter.capabilities;
  // Files go natively where the adapter can take them; the rest as `name: url` lines
  // (runtime/media-out.ts). The text may be empty when every file goes natively.
  const files = await outboundFiles(ctx, adapter, link, message.attachments ?? []);
  const lines = [message.text ?? '', ...files.lines].filter(Boolean).join('\n');
  // Replayed history says when it was said: the network dates it by the replay.
  const markdown = replay ? `${replayPrefix(message)}${lines}` : lines;
  const body = await renderForNetwork(ctx, markdown, caps.markup, link.network, message.mentions);
  return {
    ...body,
    ...(await relationsFor(ctx, caps, link, message)),
    ...(message.emote && { isEmote: true }),
    ...(files.attachments.length > 0 && { attachments: files.attachments }),
  };
}
