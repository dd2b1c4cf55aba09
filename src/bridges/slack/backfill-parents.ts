/**
 * Thread parents the gateway has seen replies to, per channel, for live backfill
 * (./backfill.ts). Slack's history lists a thread by its parent's `ts`, so a reply posted while
 * the gateway was down to a parent older than the backfill's look-back is invisible from the
 * history alone; a parent whose thread had a reply the gateway saw (live or backfilled) is kept
 * here, in the mapping store's memos, and its replies since the cursor are read by
 * `conversations.replies`. Kept per channel: the KEPT parents with the latest replies.
 */
import { MemoMap } from '../memo/index.js';
import type { AdapterLogger, AdapterMemos, InboundEvent } from '../types.js';
import { isTs } from './ids.js';

/** Parents kept per channel (the ones with the latest replies). */
export const KEPT_PARENTS = 50;

/** `ts` strings compare as numbers (seconds.micro). */
const tsOrder = (a: string, b: string): number => Number(a) - Number(b) || a.localeCompare(b);

export class ThreadParents {
  private readonly memo: MemoMap;
  /** Writes of a channel one after another (a read-modify-write each). */
  private readonly queue = new Map<string, Promise<void>>();

  constructor(memos: AdapterMemos | undefined, logger: AdapterLogger) {
    this.memo = new MemoMap('slack', 'thread-parents', memos, logger, 1_000);
  }

  /** Notes the parent of an inbound thread reply (live or backfilled); other events: nothing. */
  noteEvent(event: InboundEvent): Promise<void> {
    if (event.kind !== 'message' || event.threadRoot === undefined) return Promise.resolve();
    const channel = (event.target as { channel?: unknown }).channel;
    if (typeof channel !== 'string') return Promise.resolve();
    return this.note(channel, event.threadRoot, event.externalId);
  }

  /** Notes that `parent` in `channel` had a reply at `reply`. */
  note(channel: string, parent: string, reply: string): Promise<void> {
    if (!isTs(parent) || !isTs(reply)) return Promise.resolve();
    const previous = this.queue.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const known = await this.read(channel);
      const last = known.get(parent);
      if (last !== undefined && tsOrder(last, reply) >= 0) return;
      known.set(parent, reply);
      const kept = [...known].sort((a, b) => tsOrder(b[1], a[1])).slice(0, KEPT_PARENTS);
      await this.memo.set(channel, JSON.stringify(Object.fromEntries(kept)));
    });
    this.queue.set(channel, next);
    return next;
  }

  /** The parents of `channel` noted so far (their `ts`). */
  async parents(channel: string): Promise<string[]> {
    await this.queue.get(channel);
    return [...(await this.read(channel)).keys()];
  }

  private async read(channel: string): Promise<Map<string, string>> {
    const stored = await this.memo.get(channel);
    if (stored === undefined) return new Map();
    try {
      const parsed = JSON.parse(stored) as Record<string, unknown>;
      return new Map(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      return new Map(); // unreadable (hand-edited): start over, nothing worse than before
    }
  }
}
