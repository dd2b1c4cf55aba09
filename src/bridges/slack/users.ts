/**
 * Who a Slack user id is: display name and avatar from `users.info` (scope `users:read`),
 * cached until a `user_change` event replaces the entry. A lookup that fails degrades to the
 * bare id, so one unreachable call never holds back a message.
 */
import type { webApi } from '@slack/bolt';
import type { AdapterLogger, ExternalSender, ExternalUserId } from '../types.js';

/** The parts of Slack's user object the adapter reads. */
export interface SlackUser {
  readonly id: string;
  readonly name?: string;
  readonly real_name?: string;
  readonly deleted?: boolean;
  readonly is_admin?: boolean;
  readonly is_owner?: boolean;
  readonly is_primary_owner?: boolean;
  readonly is_bot?: boolean;
  readonly profile?: {
    readonly display_name?: string;
    readonly real_name?: string;
    readonly image_192?: string;
    readonly image_72?: string;
  };
}

/** The name Slack shows for a user: display name, else full name, else handle. */
export function senderOf(user: SlackUser): ExternalSender {
  const p = user.profile ?? {};
  const displayName = p.display_name || p.real_name || user.real_name || user.name || user.id;
  const avatarUrl = p.image_192 || p.image_72;
  return {
    externalId: user.id as ExternalUserId,
    displayName,
    ...(avatarUrl ? { avatarUrl } : {}),
  };
}

export class Users {
  private readonly cache = new Map<string, SlackUser>();

  constructor(
    private readonly web: () => webApi.WebClient,
    private readonly logger: AdapterLogger,
  ) {}

  /** The user, from the cache (unless `fresh`) or `users.info`; undefined when Slack cannot say. */
  async get(id: string, fresh = false): Promise<SlackUser | undefined> {
    const cached = fresh ? undefined : this.cache.get(id);
    if (cached) return cached;
    try {
      const answer = await this.web().users.info({ user: id });
      const user = answer.user as SlackUser | undefined;
      if (user?.id) this.cache.set(id, user);
      return user;
    } catch (error) {
      this.logger.warn({ user: id, err: String(error) }, 'slack: users.info failed');
      return undefined;
    }
  }

  async sender(id: string): Promise<ExternalSender> {
    const user = await this.get(id);
    return user ? senderOf(user) : { externalId: id as ExternalUserId, displayName: id };
  }

  /** A `user_change` event carries the whole new user object. */
  update(user: SlackUser): void {
    this.cache.set(user.id, user);
  }
}
