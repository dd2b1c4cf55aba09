import { IntentRejectedError, NotFoundError } from '../../../core/errors.js';
import type {
  ChannelId,
  ChannelView,
  MessageId,
  MessageView,
  MultichatNode,
  Role,
  UserId,
} from '../../../core/types.js';

/** A channel by id, or by name as a convenience for scripts (`/channels/general/messages`). */
export function channelOr404(node: MultichatNode, idOrName: string): ChannelView {
  const channel = node.getChannel(idOrName as ChannelId) ?? node.findChannelByName(idOrName);
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
