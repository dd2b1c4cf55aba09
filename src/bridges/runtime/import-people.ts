/**
 * The people of a history import (runtime/import-writer.ts): each sender gets the bridged profile
 * a live message would give them and is made a member of the channel, once per run; mentioned
 * people are looked up by their external id. Kept in memory for the run: a history has few
 * senders and many messages, so most messages need no store call for their sender.
 */
import type { ChannelId, UserView } from '../../core/types.js';
import type { Link, NetworkName } from '../../mapping/types.js';
import type { MentionUser } from '../format/index.js';
import type { InboundMessage } from '../types.js';
import type { RuntimeContext } from './context.js';
import { ensureMember, ensureUser } from './people.js';

export class ImportPeople {
  /** External user id → profile, joined to the channel. */
  private readonly users = new Map<string, UserView>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly network: NetworkName,
    private readonly channel: ChannelId,
  ) {}

  /** The sender's profile if this run has seen them already (no await: the common case). */
  known(externalId: string): UserView | undefined {
    return this.users.get(externalId);
  }

  /** The sender's profile, made (or found) and joined to the channel on first sight. */
  async user(sender: InboundMessage['sender']): Promise<UserView> {
    const cached = this.users.get(sender.externalId);
    if (cached) return cached;
    const user = await ensureUser(this.ctx, this.network, sender);
    const link = { channel: this.channel } as Link;
    await ensureMember(this.ctx, link, user.id);
    this.users.set(sender.externalId, user);
    return user;
  }

  /** The people named by external id that have a profile here (others stay plain text). */
  async mentioned(externalIds: readonly string[]): Promise<Map<string, MentionUser>> {
    const people = new Map<string, MentionUser>();
    for (const id of new Set(externalIds)) {
      const cached = this.users.get(id);
      const identity = cached ? undefined : await this.ctx.store.identities.get(this.network, id);
      const user = cached ?? (identity && this.ctx.node.getUser(identity.userId));
      if (user) people.set(id, { id: user.id, name: user.username });
    }
    return people;
  }
}
