/**
 * Inbound mentions: the profile ids a network message mentions, for the sendMessage intent's
 * `mentions`. Ids come from the network's own mentions (resolved through the identity map, so
 * a ghost or puppet counts as the person it stands for), never from display names. Order is
 * the order of the mentions in the text, then the adapter's extra ones (Matrix `m.mentions`
 * without a pill): outbound, the k-th `@name` span is the k-th mentioned person of that name.
 */
import type { UserId } from '../../core/types.js';
import { mentionsOf, type MentionUser } from '../format/index.js';
import type { RuntimeContext } from './context.js';
import type { ParsedText } from './convert.js';

/** The core's cap on mentions per message (core/logics/attachments.ts MAX_MENTIONS). */
const MAX_MENTIONS = 50;

export function mentionIds(
  ctx: RuntimeContext,
  parsed: ParsedText | undefined,
  users: ReadonlyMap<string, MentionUser>,
  extra: readonly string[] = [],
): UserId[] {
  const ids = new Set<UserId>();
  const inText = parsed ? mentionsOf(parsed.rich).map((u) => u.id) : [];
  for (const mention of [...inText, ...extra]) {
    const user = users.get(mention);
    if (user) ids.add(user.id as UserId);
  }
  const all = [...ids];
  if (all.length > MAX_MENTIONS) {
    // The text keeps every `@name`; only the notification list is cut.
    ctx.logger.warn({ mentions: all.length, kept: MAX_MENTIONS }, 'mentions over the cap');
  }
  return all.slice(0, MAX_MENTIONS);
}
