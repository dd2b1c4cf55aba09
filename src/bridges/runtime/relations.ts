/**
 * A message's place among others at one target, resolved at send time from the message map: the
 * message it answers and the thread it is in, in the form the target's adapter can take (its
 * capabilities decide, never its network's name). Sends and edits use the same resolution, so an
 * edited message keeps its reply line and its thread.
 *
 * - `threads`: the thread root's first id there. A reply to a message inside a thread (with no
 *   thread of its own) belongs to that thread: networks with threads show it there.
 * - `replies`: the replied message's first id there; a network without threads shows a thread
 *   message as a reply to its root.
 * - neither carried (no `replies`, or the reply is outside any thread on a network without
 *   `replies`): a `replyQuote` (author and first line) the adapter writes as a quote line.
 */
import type { MessageId, MessageView } from '../../core/types.js';
import type { ExternalMessageId, Link } from '../../mapping/types.js';
import type { AdapterCapabilities, ReplyQuote } from '../types.js';
import type { RuntimeContext } from './context.js';

/** A quote line's text is at most this many characters (then cut at a word, with `…`). */
const QUOTE_CHARS = 80;

export interface Relations {
  readonly replyTo?: ExternalMessageId;
  readonly replyQuote?: ReplyQuote;
  readonly threadRoot?: ExternalMessageId;
}

export async function relationsFor(
  ctx: RuntimeContext,
  caps: AdapterCapabilities,
  link: Link,
  message: MessageView,
): Promise<Relations> {
  const first = async (id: MessageId | undefined): Promise<ExternalMessageId | undefined> => {
    if (id === undefined) return undefined;
    const rows = await ctx.store.messages.listByMessage(id, {
      network: link.network,
      targetKey: link.targetKey,
    });
    return rows[0]?.externalId;
  };
  const answered = message.replyTo === undefined ? undefined : ctx.node.getMessage(message.replyTo);
  // A reply to a message in a thread is part of that thread (Slack, Discord and Matrix agree).
  const root = message.threadRoot ?? answered?.threadRoot;
  const threadRoot = caps.threads ? await first(root) : undefined;
  if (caps.replies) {
    const replyTo = await first(message.replyTo ?? (caps.threads ? undefined : root));
    return { ...(replyTo !== undefined && { replyTo }), ...(threadRoot && { threadRoot }) };
  }
  // No native replies: a reply carried into its thread needs nothing more, else a quote.
  const inThread =
    threadRoot !== undefined &&
    answered !== undefined &&
    (answered.threadRoot === root || answered.id === root);
  const quoted = inThread ? undefined : (answered ?? rootMessage(ctx, caps, message));
  const replyQuote = quoted && quoteOf(quoted);
  return { ...(replyQuote && { replyQuote }), ...(threadRoot && { threadRoot }) };
}

/** Without threads either, a thread message quotes its root. */
function rootMessage(
  ctx: RuntimeContext,
  caps: AdapterCapabilities,
  message: MessageView,
): MessageView | undefined {
  if (caps.threads || message.threadRoot === undefined) return undefined;
  return ctx.node.getMessage(message.threadRoot);
}

/** The author and first line of `message`; none when it has no text left (expired, redacted). */
export function quoteOf(message: MessageView): ReplyQuote | undefined {
  if (message.text === null || message.deleted) return undefined;
  const line = (message.text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  const chars = [...line];
  let text = line;
  if (chars.length > QUOTE_CHARS) {
    const cut = chars.slice(0, QUOTE_CHARS).join('');
    const space = cut.lastIndexOf(' ');
    text = `${space > QUOTE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
  }
  return { name: message.sender.username, text };
}
