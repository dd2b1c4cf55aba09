/**
 * Ghost users: one Matrix user per bridged Multichat person, registered on first use, with the
 * display name and avatar kept in sync (avatars uploaded to the media repository), and joined to
 * linked rooms on demand through `matrix-appservice-bridge`'s MembershipQueue, which serialises
 * membership changes per room.
 */
import { MembershipQueue, type Bridge } from 'matrix-appservice-bridge';
import type { SenderDisplay } from '../types.js';
import { MediaFetchError } from './errors.js';
import { ghostUserId, type GhostNaming } from './ids.js';
import type { MediaUploader } from './media.js';

interface Profile {
  name?: string;
  avatarUrl?: string;
}

let requestSeq = 0;
const thinRequest = () => {
  const id = `mc-${++requestSeq}`;
  return { getId: () => id };
};

export class Ghosts {
  private readonly profiles = new Map<string, Profile>();
  private readonly joined = new Set<string>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly queue: MembershipQueue;

  constructor(
    private readonly bridge: Bridge,
    private readonly naming: GhostNaming,
    private readonly media: MediaUploader,
    /** Told when an avatar URL cannot be fetched (refused, gone, too large); the ghost keeps its old one. */
    private readonly onAvatarFailed: (userId: string, error: MediaFetchError) => void = () => {},
  ) {
    // maxAttempts 0: a failed join throws at once (the library's retry would resolve the
    // caller's promise before the retry ran); the router retries the whole action instead.
    this.queue = new MembershipQueue(bridge, { maxAttempts: 0, concurrentRoomLimit: 8 });
  }

  userIdOf(sender: SenderDisplay): string {
    return ghostUserId(this.naming, sender.id);
  }

  /** Serialises work per ghost, so profile updates and joins of one ghost never race. */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.chains.set(key, run);
    void run
      .finally(() => this.chains.get(key) === run && this.chains.delete(key))
      .catch(() => undefined);
    return run;
  }

  /**
   * Makes sure the ghost of `sender` exists, shows `sender`'s name and avatar, and is joined to
   * `roomId`. Blocks on the homeserver for what changed only. Returns the ghost's user id.
   */
  async ensure(sender: SenderDisplay, roomId: string): Promise<string> {
    const userId = this.userIdOf(sender);
    await this.serial(userId, async () => {
      await this.syncProfile(userId, sender);
      await this.join(userId, roomId);
    });
    return userId;
  }

  async syncProfile(userId: string, sender: SenderDisplay): Promise<void> {
    const intent = this.bridge.getIntent(userId);
    const known = this.profiles.get(userId) ?? {};
    if (known.name === undefined) await intent.ensureRegistered();
    if (known.name !== sender.name) {
      await intent.setDisplayName(sender.name);
      known.name = sender.name;
    }
    if (sender.avatarUrl && known.avatarUrl !== sender.avatarUrl) {
      // An avatar that cannot be fetched must not stop the person's messages: skip it, and do
      // not try again until it changes unless the failure may pass (a timeout, a 5xx).
      const uploaded = await this.media
        .upload(sender.avatarUrl, 'avatar', userId)
        .catch((error: unknown) => {
          if (!(error instanceof MediaFetchError)) throw error;
          this.onAvatarFailed(userId, error);
          if (error.permanent) known.avatarUrl = sender.avatarUrl;
          return undefined;
        });
      if (uploaded) {
        await intent.setAvatarUrl(uploaded.uri);
        known.avatarUrl = sender.avatarUrl;
      }
    }
    this.profiles.set(userId, known);
  }

  /** Joins `userId` to `roomId` through the membership queue, once. */
  async join(userId: string, roomId: string): Promise<void> {
    const key = `${roomId} ${userId}`;
    if (this.joined.has(key)) return;
    await this.queue.join(roomId, userId, thinRequest());
    this.joined.add(key);
  }

  async leave(userId: string, roomId: string): Promise<void> {
    await this.queue.leave(roomId, userId, thinRequest());
    this.joined.delete(`${roomId} ${userId}`);
  }

  /** Forgets a membership the homeserver reports as gone (kicked, banned, room left). */
  forget(userId: string, roomId: string): void {
    this.joined.delete(`${roomId} ${userId}`);
  }
}
