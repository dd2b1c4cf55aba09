/**
 * Discord history for live backfill and `multichat import discord`: `GET
 * /channels/{id}/messages?after=&limit=100` pages, oldest first, each message made into the same
 * InboundEvent a live MESSAGE_CREATE becomes (./inbound.ts with a collecting emit). discord.js's
 * REST queue waits out 429s and route buckets, so a page is only slower under a rate limit.
 * Messages carry their current (final) text, then their reactions, one per person (read per
 * emoji: ./backfill-reactions.ts). For a linked channel (not a linked thread) whose guild is
 * known (a gateway session: live backfill), the messages of its active threads, and of its public
 * threads archived since the cursor (./backfill-threads.ts), are read too and merged in by id:
 * snowflakes are global time order, so one cursor serves all.
 */
import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import type {
  AdapterComponents,
  AdapterLogger,
  BackfillPage,
  InboundEvent,
  LinkTarget,
} from '../types.js';
import { describe } from '../errors.js';
import { reactionsOf } from './backfill-reactions.js';
import { threadsToRead } from './backfill-threads.js';
import { DiscordHistoryAccessError } from './errors.js';
import { decodeMessageId, isSnowflake } from './ids.js';
import type { Inbound } from './inbound.js';
import { toDeliveryError } from './rate-limit.js';
import { discordTarget } from './target.js';

/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1_420_070_400_000n;
const MAX_PAGE = 100;

export interface BackfillDeps {
  readonly rest: REST;
  /**
   * An Inbound translator whose events go to `emit` instead of the router; `parents` names the
   * parent of threads missing from the cache (archived ones), so their messages are placed.
   */
  inbound(
    emit: (event: InboundEvent) => Promise<void>,
    parents: ReadonlyMap<string, string>,
  ): Inbound;
  /**
   * The guild of a cached channel (mentions of roles and channels are named from it). Without
   * one (no gateway session: the import) the threads of a channel are not read.
   */
  guildOf(channelId: string): string | undefined;
  readonly logger?: AdapterLogger;
  /** Counts reactions whose reactors could not be listed (./backfill-reactions.ts). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
}

/** The smallest snowflake of a moment: `after` it means "posted at or after `ms`". */
export function snowflakeAt(ms: number): string {
  const t = BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH;
  return t <= 0n ? '0' : ((t << 22n) - 1n).toString();
}

const later = (a: string, b: string): string => (BigInt(a) >= BigInt(b) ? a : b);

/** The moment of a snowflake (its top bits), in ms since 1970. */
const timeOf = (snowflake: string): number => Number((BigInt(snowflake) >> 22n) + DISCORD_EPOCH);

export class DiscordBackfill {
  constructor(private readonly deps: BackfillDeps) {}

  async page(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    const { channel, thread } = discordTarget(target);
    const place = thread ?? channel;
    let after = this.cursorOf(cursor) ?? '0';
    if (since !== undefined) after = later(after, snowflakeAt(since));
    const size = Math.max(1, Math.min(MAX_PAGE, limit));
    const guildId = this.deps.guildOf(place);
    const places = [place];
    const parents = new Map<string, string>();
    if (thread === undefined && guildId !== undefined) {
      const skipped = (what: string, error: unknown): void => this.skipped(what, error);
      for (const t of await threadsToRead(
        this.deps.rest,
        guildId,
        channel,
        timeOf(after),
        skipped,
      )) {
        places.push(t.id);
        parents.set(t.id, t.parent);
      }
    }
    let full = false;
    const read: APIMessage[] = [];
    for (const where of places) {
      const got = await this.fetch(where, after, size).catch((error: unknown) => {
        // The linked place itself must be readable; a thread under it that is not is left out.
        if (where === place) throw error;
        this.skipped(where, error);
        return [];
      });
      full ||= got.length === size;
      read.push(...got);
    }
    // Discord answers newest first even with `after`; the router wants the oldest first.
    read.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const messages = read.slice(0, size);
    const events: InboundEvent[] = [];
    const inbound = this.deps.inbound(async (event) => void events.push(event), parents);
    const times: number[] = [];
    for (const message of messages) {
      const d = { ...message, ...(guildId !== undefined && { guild_id: guildId }) };
      await inbound.messageCreate(d as Parameters<Inbound['messageCreate']>[0]);
      for (const add of await reactionsOf(this.deps, message, guildId))
        inbound.reaction(add as Parameters<Inbound['reaction']>[0], true);
      const at = Date.parse(message.timestamp);
      while (times.length < events.length) times.push(at);
    }
    const last = messages.at(-1);
    // A full page (of any place) may have more after it; the last id taken is the next start.
    return last && (full || read.length > messages.length)
      ? { events, times, cursor: last.id }
      : { events, times };
  }

  private skipped(what: string, error: unknown): void {
    this.deps.logger?.warn({ err: describe(error), what }, 'backfill: threads not read');
  }

  /** A stored cursor is an external message id (`id` or `id/thread`) or a bare snowflake. */
  private cursorOf(cursor: string | undefined): string | undefined {
    if (cursor === undefined) return undefined;
    if (isSnowflake(cursor)) return cursor;
    try {
      const id = decodeMessageId(cursor).messageId;
      return isSnowflake(id) ? id : undefined;
    } catch {
      return undefined; // not ours (another adapter's form): read from `since`
    }
  }

  private async fetch(channel: string, after: string, limit: number): Promise<APIMessage[]> {
    try {
      const query = new URLSearchParams({ after, limit: String(limit) });
      return (await this.deps.rest.get(Routes.channelMessages(channel), { query })) as APIMessage[];
    } catch (error) {
      if (error instanceof DiscordAPIError && [403, 404].includes(error.status)) {
        throw new DiscordHistoryAccessError(channel, error.status, error);
      }
      throw toDeliveryError(error);
    }
  }
}
