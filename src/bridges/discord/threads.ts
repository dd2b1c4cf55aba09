/**
 * Threads for outbound replies in a thread. Discord gives a thread started from a message the
 * message's id, so the thread of a root message is found by that id; when it does not exist yet
 * it is created from the root (`POST /channels/:id/messages/:id/threads`).
 */
import { Routes, type REST } from 'discord.js';
import type { ExternalMessageId } from '../types.js';
import { decodeMessageId } from './ids.js';
import { apiCode, UNKNOWN_CHANNEL } from './rate-limit.js';

/** Where a message goes: a channel, or a thread of it. */
export interface Place {
  readonly channelId: string;
  readonly threadId?: string;
}

/** Discord code when a thread already hangs off that message. */
const THREAD_EXISTS = 160004;
const MAX_NAME = 100;

export class Threads {
  private readonly known = new Set<string>();

  constructor(private readonly rest: REST) {}

  /** The thread of `root` in `channelId`, created from the root message when missing. */
  async ensure(channelId: string, root: ExternalMessageId, text: string): Promise<Place> {
    const ref = decodeMessageId(root);
    // A root inside a thread means "that thread" (Discord has no nested threads).
    if (ref.threadId !== undefined) return { channelId, threadId: ref.threadId };
    const threadId = ref.messageId;
    if (this.known.has(threadId)) return { channelId, threadId };
    try {
      await this.rest.get(Routes.channel(threadId));
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_CHANNEL && !isNotFound(error)) throw error;
      await this.create(channelId, threadId, text);
    }
    this.known.add(threadId);
    return { channelId, threadId };
  }

  private async create(channelId: string, messageId: string, text: string): Promise<void> {
    const name = [...(text.split('\n')[0]?.trim() || 'thread')].slice(0, MAX_NAME).join('');
    try {
      await this.rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: 1440 },
      });
    } catch (error) {
      if (apiCode(error) !== THREAD_EXISTS) throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404
  );
}
