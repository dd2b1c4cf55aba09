/**
 * The threads under a linked channel whose messages live backfill reads (./backfill.ts): the
 * guild's active threads, and the channel's public archived threads archived since the backfill's
 * start. A thread that got archived while the gateway was down (Discord archives a thread after
 * its inactivity period) is missing from the active list and from discord.js's cache, so its
 * parent is returned with it: inbound handling needs the parent to place its messages.
 */
import { Routes, type APIThreadChannel, type REST } from 'discord.js';
import type { InboundCache } from './inbound.js';

/** A thread to read, and the channel it hangs off. */
export interface ThreadToRead {
  readonly id: string;
  readonly parent: string;
}

/** Archived threads per request (the route's maximum). */
const ARCHIVED_PAGE = 100;
/** Pages of archived threads read at most per backfill page: 1,000 threads archived since. */
const MAX_ARCHIVED_PAGES = 10;

type Skipped = (what: string, error: unknown) => void;

/**
 * The threads of `channel` to read from `sinceMs` on: active ones, then those archived at or
 * after `sinceMs` (a thread archived before it had no message after it). A list that cannot be
 * read is reported to `skipped` and left out; the rest is read all the same.
 */
export async function threadsToRead(
  rest: REST,
  guildId: string,
  channel: string,
  sinceMs: number,
  skipped: Skipped,
): Promise<ThreadToRead[]> {
  const active = await activeThreads(rest, guildId, channel, skipped);
  const archived = await archivedThreads(rest, channel, sinceMs, skipped);
  const seen = new Set(active.map((t) => t.id));
  return [...active, ...archived.filter((t) => !seen.has(t.id))];
}

async function activeThreads(
  rest: REST,
  guildId: string,
  channel: string,
  skipped: Skipped,
): Promise<ThreadToRead[]> {
  try {
    const answer = (await rest.get(Routes.guildActiveThreads(guildId))) as {
      threads?: APIThreadChannel[];
    };
    return (answer.threads ?? [])
      .filter((t) => t.parent_id === channel)
      .map((t) => ({ id: t.id, parent: channel }));
  } catch (error) {
    skipped(`the active threads of ${channel}`, error);
    return [];
  }
}

/**
 * `GET /channels/{id}/threads/archived/public`, latest archived first, paged by `before` (the
 * last thread's archive time) until a thread archived before `sinceMs`, `has_more: false`, or
 * MAX_ARCHIVED_PAGES (then logged: older archived threads are not read).
 */
async function archivedThreads(
  rest: REST,
  channel: string,
  sinceMs: number,
  skipped: Skipped,
): Promise<ThreadToRead[]> {
  const found: ThreadToRead[] = [];
  let before: string | undefined;
  try {
    for (let page = 0; page < MAX_ARCHIVED_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(ARCHIVED_PAGE) });
      if (before !== undefined) query.set('before', before);
      const answer = (await rest.get(Routes.channelThreads(channel, 'public'), { query })) as {
        threads?: APIThreadChannel[];
        has_more?: boolean;
      };
      const threads = answer.threads ?? [];
      for (const thread of threads) {
        const at = thread.thread_metadata?.archive_timestamp;
        if (at === undefined || Date.parse(at) < sinceMs) return found;
        found.push({ id: thread.id, parent: channel });
        before = at;
      }
      if (answer.has_more !== true || threads.length === 0) return found;
    }
    skipped(`archived threads of ${channel} beyond ${found.length}`, 'too many archived threads');
  } catch (error) {
    skipped(`the archived threads of ${channel}`, error);
  }
  return found;
}

/** `cache` that also knows the parents of threads it lacks (archived while down). */
export function withParents(
  cache: InboundCache,
  parents: ReadonlyMap<string, string>,
): InboundCache {
  if (parents.size === 0) return cache;
  return { ...cache, parentOf: (id) => cache.parentOf(id) ?? parents.get(id) };
}
