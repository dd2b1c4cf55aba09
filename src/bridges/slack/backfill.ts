/**
 * Slack history for live backfill: `conversations.history` after the cursor's `ts` (cursor
 * pagination), `conversations.replies` for each parent with replies in that window, merged
 * oldest first. Each message becomes the InboundEvent a live `message` event becomes
 * (./inbound.ts with a collecting emit), then its reactions (history lists who reacted).
 * Messages carry their current (final) text. History lists a thread by its parent's ts, so a
 * reply in the window to a parent older than it is found through the parents of the week before
 * the window (at most PARENT_PAGES pages of them), by their `latest_reply`, and through the
 * parents whose replies the gateway saw before (./backfill-parents.ts); a reply to a parent
 * older than that week that had no reply the gateway saw is not seen (docs/slack.md says so).
 */
import type { webApi } from '@slack/bolt';
import type { BackfillPage, InboundEvent, LinkTarget } from '../types.js';
import { SlackHistoryAccessError } from './errors.js';
import type { SlackMessage } from './events.js';
import { channelOf, isTs } from './ids.js';
import type { ThreadParents } from './backfill-parents.js';
import type { Inbound } from './inbound.js';

const PAGE = 200;
/** How far before the window parents are looked at for replies in it. */
const PARENT_LOOKBACK_S = 7 * 86_400;
/** At most this many pages of those older parents (newest first). */
const PARENT_PAGES = 5;

interface HistoryMessage extends Omit<SlackMessage, 'channel'> {
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly reply_count?: number;
  readonly latest_reply?: string;
  readonly reactions?: readonly { readonly name: string; readonly users?: readonly string[] }[];
}

interface HistoryAnswer {
  readonly messages?: HistoryMessage[];
  readonly response_metadata?: { readonly next_cursor?: string };
}

export interface SlackBackfillDeps {
  readonly web: () => webApi.WebClient;
  inbound(emit: (event: InboundEvent) => Promise<void>): Inbound;
  /** Thread parents seen before; absent: only the history's own parents are read. */
  readonly parents?: ThreadParents;
}

/** A `ts` (seconds.micro) in whole ms, from its digits (a float would round some down). */
const tsToMs = (ts: string): number => {
  const [sec = '0', micro = ''] = ts.split('.');
  return Number(sec) * 1000 + Math.floor(Number(micro.padEnd(6, '0').slice(0, 6)) / 1000);
};

/** `ts` strings compare as numbers (seconds.micro). */
const tsOrder = (a: string, b: string): number => Number(a) - Number(b) || a.localeCompare(b);

export class SlackBackfill {
  constructor(private readonly deps: SlackBackfillDeps) {}

  async page(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    const channel = channelOf(target);
    let oldest = isTs(cursor) ? cursor : '0';
    if (since !== undefined && Number(oldest) < since / 1000) oldest = (since / 1000).toFixed(6);
    const top = await this.all('conversations.history', { channel, oldest });
    const all = [...top];
    const read = new Set<string>();
    const replies = async (ts: string) => {
      read.add(ts);
      const thread = await this.all('conversations.replies', { channel, ts, oldest });
      all.push(...thread.filter((m) => m.ts !== ts && m.thread_ts !== m.ts));
    };
    for (const parent of [...(await this.olderParents(channel, oldest)), ...top]) {
      if (!parent.reply_count || !parent.ts || read.has(parent.ts)) continue;
      if (parent.latest_reply !== undefined && tsOrder(parent.latest_reply, oldest) <= 0) continue;
      await replies(parent.ts);
    }
    // Parents older than the look-back whose threads had replies the gateway saw.
    for (const ts of (await this.deps.parents?.parents(channel)) ?? [])
      if (!read.has(ts) && tsOrder(ts, oldest) < 0) await this.orMissing(() => replies(ts));
    const fresh = all
      .filter((m): m is HistoryMessage & { ts: string } => isTs(m.ts) && tsOrder(m.ts, oldest) > 0)
      .sort((a, b) => tsOrder(a.ts, b.ts));
    const taken = fresh.slice(0, Math.max(1, limit));
    const events: InboundEvent[] = [];
    const inbound = this.deps.inbound(async (event) => {
      events.push(event);
      await this.deps.parents?.noteEvent(event);
    });
    const times: number[] = [];
    for (const m of taken) {
      await inbound.message({ ...m, channel } as SlackMessage);
      for (const r of m.reactions ?? []) {
        for (const user of r.users ?? []) {
          await inbound.reaction({
            type: 'reaction_added',
            user,
            reaction: r.name,
            item: { type: 'message', channel, ts: m.ts },
          });
        }
      }
      // A message's ts is its original time (seconds.micro): what dates it in Multichat.
      while (times.length < events.length) times.push(tsToMs(m.ts));
    }
    const last = taken.at(-1);
    return last && fresh.length > taken.length
      ? { events, times, cursor: last.ts }
      : { events, times };
  }

  /**
   * Parents from the week before `oldest` (the window's start, included: the last message seen is
   * often the parent) whose latest reply is in the window.
   */
  private async olderParents(channel: string, oldest: string): Promise<HistoryMessage[]> {
    if (Number(oldest) <= 0) return [];
    const from = Math.max(0, Number(oldest) - PARENT_LOOKBACK_S).toFixed(6);
    const args = { channel, oldest: from, latest: oldest, inclusive: 'true' };
    const listed = await this.all('conversations.history', args, PARENT_PAGES);
    return listed.filter(
      (m) => m.latest_reply !== undefined && isTs(m.ts) && tsOrder(m.latest_reply, oldest) > 0,
    );
  }

  /** A remembered parent deleted since (`thread_not_found`) has no replies to read. */
  private async orMissing(read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error !== 'thread_not_found') throw error;
    }
  }

  /** Every page (or the first `maxPages`) of a cursor-paginated history method. */
  private async all(
    method: 'conversations.history' | 'conversations.replies',
    args: Record<string, string>,
    maxPages = Infinity,
  ): Promise<HistoryMessage[]> {
    const out: HistoryMessage[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      let answer: HistoryAnswer;
      try {
        answer = (await this.deps.web().apiCall(method, {
          ...args,
          limit: PAGE,
          ...(next && { cursor: next }),
        })) as HistoryAnswer;
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        if (code && ['missing_scope', 'not_in_channel', 'channel_not_found'].includes(code)) {
          throw new SlackHistoryAccessError(args.channel ?? '', code, error);
        }
        throw error;
      }
      out.push(...(answer.messages ?? []));
      next = answer.response_metadata?.next_cursor || undefined;
      pages += 1;
    } while (next && pages < maxPages);
    return out;
  }
}
