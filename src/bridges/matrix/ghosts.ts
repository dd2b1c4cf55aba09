/**
 * Ghost users: one Matrix user per bridged Multichat person, registered on first use, with the
 * display name kept in sync before they speak and the avatar in the background (`AvatarSync`:
 * an avatar never holds up a message), and joined to linked rooms on demand through
 * `matrix-appservice-bridge`'s MembershipQueue, which serialises membership changes per room.
 */
import { MembershipQueue, type Bridge } from 'matrix-appservice-bridge';
import type { SenderDisplay } from '../types.js';
import type { AvatarSync } from './avatars.js';
import { ghostUserId, type GhostNaming } from './ids.js';

interface Profile {
  name?: string;
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
    private readonly avatars: AvatarSync,
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
   * Makes sure the ghost of `sender` exists, shows `sender`'s name, and is joined to `roomId`;
   * the avatar follows in the background. Blocks on the homeserver for what changed only.
   * Returns the ghost's user id.
   */
  async ensure(sender: SenderDisplay, roomId: string): Promise<string> {
    const userId = this.userIdOf(sender);
    await this.serial(userId, async () => {
      await this.syncProfile(userId, sender);
      await this.join(userId, roomId);
    });
    return userId;
  }

  /** Shows `sender`'s current name (and, in the background, avatar) on their ghost at once. */
  async refresh(sender: SenderDisplay): Promise<void> {
    const userId = this.userIdOf(sender);
    await this.serial(userId, () => this.syncProfile(userId, sender));
  }

  async syncProfile(userId: string, sender: SenderDisplay): Promise<void> {
    const intent = this.bridge.getIntent(userId);
    const known = this.profiles.get(userId) ?? {};
    if (known.name === undefined) await intent.ensureRegistered();
    if (known.name !== sender.name) {
      await intent.setDisplayName(sender.name);
      known.name = sender.name;
    }
    this.profiles.set(userId, known);
    // Registered by now, so the background job may set the avatar.
    if (sender.avatarUrl) this.avatars.want(userId, sender.avatarUrl);
  }

  /** Stops the background avatar work. */
  close(): void {
    this.avatars.close();
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
