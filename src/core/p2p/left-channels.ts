/**
 * Which channels this node's own users have left, so gossip can leave their topics (see the
 * class comment for what counts as left).
 */
import type { ChannelId, MultichatNode, Role, UserId } from '../types.js';
import type { SyncNode } from './types.js';

/** What gossip reads of the node; a node without the membership reads never leaves a topic. */
export type GossipNode = SyncNode & Partial<Pick<MultichatNode, 'listMembers' | 'getUser'>>;

/**
 * Channels this node's users have left. `followedChannels()` lists every channel the node has
 * state for, left ones included, so gossip sets these apart: a key the node holds has written
 * in the channel (a join at least), and none of the node's users is a member now, or only a
 * banned one. Read from the store, so it holds after a restart too. Channels the node only
 * knows (fetched ahead of a join, or learnt while replicating an author's log) stay followed,
 * so relays keep forwarding them; so does a channel the node key itself wrote in (a gateway's
 * bridged people or its own user): the core cannot see the links that still need its traffic.
 */
export class LeftChannels {
  private readonly left = new Set<ChannelId>();

  constructor(private readonly node: GossipNode) {}

  has(channel: ChannelId): boolean {
    return this.left.has(channel);
  }

  /** Reads every channel once (at start): the costly part runs only for memberless ones. */
  scan(channels: readonly ChannelId[]): void {
    for (const channel of channels) this.update(channel);
  }

  /**
   * After a membership change. Only a leave or ban of one of the node's own native users can
   * make a channel left: a bridged person's join was written by the node key, which keeps the
   * channel followed, so their (possibly mass) leaves need no queries.
   */
  changed(channel: ChannelId, user: UserId, role: Role | null): void {
    const profile = this.node.getUser?.(user);
    if (!profile?.local) return;
    if (role !== null && role !== 'banned') this.left.delete(channel);
    else if (profile.origin === undefined) this.update(channel);
  }

  private update(channel: ChannelId): void {
    if (this.wasLeft(channel)) this.left.add(channel);
    else this.left.delete(channel);
  }

  private wasLeft(channel: ChannelId): boolean {
    const { node } = this;
    if (!node.listMembers || !node.getUser) return false;
    const members = node.listMembers(channel);
    if (members.some((m) => m.user.local && m.role !== 'banned')) return false;
    const authors = [...node.frontier([channel]).keys()];
    if (authors.includes(node.address)) return false;
    return authors.some((author) => this.isLocal(author));
  }

  private isLocal(author: string): boolean {
    return this.node.getUser?.(author as UserId)?.local === true;
  }
}
