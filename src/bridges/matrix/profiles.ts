/**
 * Display names and avatars of real Matrix users, as inbound events need them: learnt from
 * membership events, fetched once from the profile API otherwise.
 */
import type { ExternalSender, ExternalUserId } from '../types.js';
import type { MatrixApi } from './api.js';
import { mxcToHttp } from './ids.js';

interface Known {
  readonly displayName: string;
  readonly avatar?: string;
}

export class Profiles {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly api: MatrixApi,
    private readonly homeserverUrl: string,
  ) {}

  /** The sender as the contract wants it; blocks on one profile lookup the first time. */
  async sender(userId: string): Promise<ExternalSender> {
    let known = this.known.get(userId);
    if (!known) {
      try {
        const res = await this.api.request<{ displayname?: string; avatar_url?: string }>(
          'GET',
          `/_matrix/client/v3/profile/${encodeURIComponent(userId)}`,
        );
        known = this.entry(userId, res.displayname, res.avatar_url);
      } catch {
        known = this.entry(userId, undefined, undefined);
      }
      this.known.set(userId, known);
    }
    return this.toSender(userId, known);
  }

  /** Records what a membership event says; true when the name or avatar changed. */
  learn(userId: string, displayName: unknown, avatarUrl: unknown): boolean {
    const next = this.entry(
      userId,
      typeof displayName === 'string' ? displayName : undefined,
      typeof avatarUrl === 'string' ? avatarUrl : undefined,
    );
    const before = this.known.get(userId);
    this.known.set(userId, next);
    return (
      before !== undefined &&
      (before.displayName !== next.displayName || before.avatar !== next.avatar)
    );
  }

  cached(userId: string): ExternalSender | undefined {
    const known = this.known.get(userId);
    return known && this.toSender(userId, known);
  }

  private entry(
    userId: string,
    displayName: string | undefined,
    avatar: string | undefined,
  ): Known {
    const name = displayName?.trim() || (/^@([^:]+)/.exec(userId)?.[1] ?? userId);
    return avatar ? { displayName: name, avatar } : { displayName: name };
  }

  private toSender(userId: string, known: Known): ExternalSender {
    return {
      externalId: userId as ExternalUserId,
      displayName: known.displayName,
      ...(known.avatar && { avatarUrl: mxcToHttp(this.homeserverUrl, known.avatar) }),
    };
  }
}
