/**
 * Who is notified of a message: people it mentions (by id in `mentions`, the sure way, or as
 * `@username` in the text), the sender of the message it replies to, and every other member of
 * a direct channel. Never the sender themself, and never a non-member.
 */
import type { MessageView, UserId } from './types.js';

const MENTION = /(?:^|[^\w@])@([\p{L}\p{N}_.-]{1,64})/gu;

export function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) names.add((match[1] as string).replace(/[.-]+$/, ''));
  return [...names];
}

export interface NotificationLookup {
  userIdByName(name: string): UserId | undefined;
  isMember(user: UserId): boolean;
  senderOf(message: string): UserId | undefined;
  members(): UserId[];
}

export function notificationsFor(
  message: MessageView,
  direct: boolean,
  lookup: NotificationLookup,
): { user: UserId; reason: 'mention' | 'reply' | 'direct' }[] {
  const out = new Map<UserId, 'mention' | 'reply' | 'direct'>();
  const sender = message.sender.id;
  if (direct) {
    for (const member of lookup.members()) if (member !== sender) out.set(member, 'direct');
  }
  if (message.replyTo) {
    const repliedTo = lookup.senderOf(message.replyTo);
    if (repliedTo && repliedTo !== sender && !out.has(repliedTo)) out.set(repliedTo, 'reply');
  }
  const byName = mentionedNames(message.text ?? '').map((name) => lookup.userIdByName(name));
  for (const user of [...(message.mentions ?? []), ...byName]) {
    if (user && user !== sender && lookup.isMember(user) && !out.has(user))
      out.set(user, 'mention');
  }
  return [...out].map(([user, reason]) => ({ user, reason }));
}
