/**
 * The root of a Discord thread as the bridge names it, so thread messages are carried as a
 * thread (never flattened into the channel):
 * - a thread started from a message: that message (the thread has its id, in the parent);
 * - a forum or media post: its first message, whose id is the thread's (inside the thread);
 * - a thread started without a message (Discord then posts a THREAD_CREATED notice, type 18, in
 *   the parent): the first message seen in it, which becomes the root. Remembered in memory: after
 *   a restart, later messages of such a thread name the thread id, as for a started thread.
 */
import type { ExternalMessageId } from '../types.js';
import { encodeMessageId } from './ids.js';

const KEPT = 10_000;

export class ThreadRoots {
  /** Threads started without a message → their first message, once seen. */
  private readonly rootless = new Map<string, ExternalMessageId | undefined>();

  /** A THREAD_CREATED notice named this thread: it has no starter message. */
  startedWithoutMessage(threadId: string): void {
    if (this.rootless.has(threadId)) return;
    this.rootless.set(threadId, undefined);
    if (this.rootless.size > KEPT) {
      const oldest = this.rootless.keys().next().value;
      if (oldest !== undefined) this.rootless.delete(oldest);
    }
  }

  /** The root of thread `threadId`; undefined while a rootless thread has no message yet. */
  rootOf(threadId: string, forum: boolean): ExternalMessageId | undefined {
    if (forum) return encodeMessageId(threadId, threadId);
    if (this.rootless.has(threadId)) return this.rootless.get(threadId);
    return threadId as ExternalMessageId;
  }

  /**
   * The root to report for a new message `externalId` in the thread: none when the message is
   * the root itself (a forum post's first message, a rootless thread's first message).
   */
  forMessage(threadId: string, externalId: ExternalMessageId, forum: boolean) {
    const root = this.rootOf(threadId, forum);
    if (root === undefined && this.rootless.has(threadId)) {
      this.rootless.set(threadId, externalId);
      return undefined;
    }
    return root === externalId ? undefined : root;
  }
}
