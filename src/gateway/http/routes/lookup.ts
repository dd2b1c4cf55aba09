import { AmbiguousNameError, IntentRejectedError, NotFoundError } from '../../../core/errors.js';
import type {
  ChannelId,
  ChannelView,
  MessageId,
  MessageView,
  MultichatNode,
  Role,
  UserId,
} from '../../../core/types.js';
import type { Auth } from '../context.js';

/**
 * Whether the caller may see that the channel exists (its name, topic, creator, members): the
 * admin token always; a user for a public channel, or a private one they belong to.
 */
export function mayView(node: MultichatNode, channel: ChannelView, auth: Auth): boolean {
  if (auth.kind === 'admin' || channel.visibility === 'public') return true;
  return canRead(node, channel.id, auth.user.id);
}

/**
 * A channel by id, or by name as a convenience for scripts (`/channels/general/messages`). A
 * private channel the caller may not see is 404 like a missing one, so its existence is not
 * revealed. A name held by several channels the caller sees is refused (409 naming the ids):
 * names are unique per node but not across peers, and the oldest id must not win, or a stranger
 * could squat a name.
 */
export function channelOr404(node: MultichatNode, idOrName: string, auth: Auth): ChannelView {
  const byId = node.getChannel(idOrName as ChannelId);
  if (byId && mayView(node, byId, auth)) return byId;
  const named = node.findChannelsByName(idOrName).filter((ch) => mayView(node, ch, auth));
  if (named.length > 1)
    throw new AmbiguousNameError(
      idOrName,
      named.map((ch) => ch.id),
    );
  const channel = named[0];
  if (!channel) throw new NotFoundError('channel', idOrName);
  return channel;
}

/** A message that belongs to the given channel (a message id under another channel is 404). */
export function messageOr404(node: MultichatNode, channel: ChannelView, mid: string): MessageView {
  const message = node.getMessage(mid as MessageId);
  if (!message || message.channel !== channel.id) throw new NotFoundError('message', mid);
  return message;
}

const READERS: readonly Role[] = ['member', 'moderator', 'admin'];

/** Whether `user` may read the channel's messages and events. */
export function canRead(node: MultichatNode, channel: ChannelId, user: UserId): boolean {
  const role = node.roleOf(channel, user);
  return role !== undefined && READERS.includes(role);
}

/** Reading history is for members: the same rule the core applies to sending. */
export function requireMember(node: MultichatNode, channel: ChannelView, user: UserId): void {
  if (!canRead(node, channel.id, user)) {
    throw new IntentRejectedError(
      'channel.membersOnly',
      `only members of channel ${channel.name} may read it (rule: channel.membersOnly)`,
    );
  }
}
