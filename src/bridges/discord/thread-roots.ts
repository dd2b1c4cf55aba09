/**
 * The root of a Discord thread as the bridge names it, so thread messages are carried as a
 * thread (never flattened into the channel):
 * - a thread started from a message: that message (the thread has its id, in the parent);
 * - a forum or media post: its first message, whose id is the thread's (inside the thread);
 * - a thread started without a message (Discord then posts a THREAD_CREATED notice, type 18, in
 *   the parent): the first message seen in it, which becomes the root. Kept as a memo (the
 *   mapping store), so after a restart later messages of such a thread still name that root.
 *
 * Calls run one after another in the order they were made (the gateway's order): the notice
 * of a rootless thread is handled before its first message even while the store is slow.
 */
import type { AdapterLogger, AdapterMemos, ExternalMessageId } from '../types.js';
import { encodeMessageId } from './ids.js';
import { MemoMap } from '../memo/index.js';

/** The memo of a rootless thread whose first message is not seen yet. */
const NOT_YET = '';

export class ThreadRoots {
  /** Threads started without a message → their first message ('' until seen). */
  private readonly rootless: MemoMap;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(memos: AdapterMemos | undefined, logger: AdapterLogger) {
    this.rootless = new MemoMap('discord', 'thread-root', memos, logger);
  }

  /** A THREAD_CREATED notice named this thread: it has no starter message. */
  startedWithoutMessage(threadId: string): Promise<void> {
    return this.inOrder(async () => {
      // A repeated notice does not forget the root.
      if ((await this.rootless.get(threadId)) === undefined)
        await this.rootless.set(threadId, NOT_YET);
    });
  }

  /**
   * The root to report for a new message `externalId` in the thread: none when the message is
   * the root itself (a forum post's first message, a rootless thread's first message).
   */
  forMessage(
    threadId: string,
    externalId: ExternalMessageId,
    forum: boolean,
  ): Promise<ExternalMessageId | undefined> {
    return this.inOrder(async () => {
      const root = await this.rootOf(threadId, forum);
      if (root === undefined) {
        await this.rootless.set(threadId, externalId);
        return undefined;
      }
      return root === externalId ? undefined : root;
    });
  }

  /** The root of thread `threadId`; undefined while a rootless thread has no message yet. */
  async rootOf(threadId: string, forum: boolean): Promise<ExternalMessageId | undefined> {
    if (forum) return encodeMessageId(threadId, threadId);
    const first = await this.rootless.get(threadId);
    if (first === undefined) return threadId as ExternalMessageId;
    return first === NOT_YET ? undefined : (first as ExternalMessageId);
  }

  private inOrder<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
