/**
 * One bot reaction stands for many people on networks whose reactions cannot name a bridged
 * person (Discord, Slack: `capabilities.reactionsPerPerson` absent). The bot's reaction of an
 * emoji on a message must then stay while any bridged reactor of that emoji is left, so a
 * removal goes out only when the last of them took theirs back. The count is the core's own
 * reaction view (reactors per emoji, current at send time), so it survives restarts and needs no
 * table of its own.
 */
import type { MessageView, UserId } from '../../core/types.js';
import type { Link } from '../../mapping/types.js';
import type { RuntimeContext } from './context.js';

/**
 * True when some reactor of `emoji` on `message` is bridged to `link`: a person without an
 * account of their own on the link's network (who reacted there natively, not through the bot).
 */
export async function bridgedReactorLeft(
  ctx: RuntimeContext,
  link: Link,
  message: MessageView,
  emoji: string,
): Promise<boolean> {
  for (const user of message.reactions[emoji] ?? []) {
    if (!(await reactsNatively(ctx, user, link))) return true;
  }
  return false;
}

async function reactsNatively(ctx: RuntimeContext, user: UserId, link: Link): Promise<boolean> {
  const identities = await ctx.store.identities.listByUser(user, link.network);
  return identities.some((i) => i.kind === 'native');
}
