/**
 * Entries of private channels stored here without their content (gossip passed on by a
 * non-member relay, or a member's fetch that failed), which sync exchanges then ask for. Bounded,
 * and each is asked for a few times only: content deleted at its source never comes.
 */
import { seal } from '../log.js';
import type { ChannelId, EntryId } from '../types.js';
import { lacksContent } from './channel-access.js';
import { MAX_GET_IDS } from './sync-messages.js';
import type { SyncNode } from './types.js';

/** Most entries remembered. */
const MAX_ENTRIES = 4 * MAX_GET_IDS;
/** Exchanges that ask for one missing content before it is given up. */
const TRIES = 3;

export class ContentWanted {
  private readonly entries = new Map<EntryId, { channel: ChannelId; tries: number }>();

  constructor(private readonly node: Pick<SyncNode, 'getEntries'>) {}

  note(ids: readonly EntryId[], channel: ChannelId): void {
    for (const id of ids) {
      if (this.entries.size < MAX_ENTRIES) this.entries.set(id, { channel, tries: 0 });
    }
  }

  /** What an exchange should ask for now: entry id to channel. */
  snapshot(): Map<EntryId, ChannelId> {
    return new Map([...this.entries].map(([id, e]) => [id, e.channel]));
  }

  /** After an exchange that asked for `asked`: forgets the filled ones and the given up. */
  settle(asked: Iterable<EntryId>): void {
    const ids = [...asked];
    if (ids.length === 0) return;
    const filled = new Set(
      this.node
        .getEntries(ids)
        .filter((e) => !lacksContent(e))
        .map((e) => seal(e.entry).id),
    );
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      entry.tries += 1;
      if (filled.has(id) || entry.tries >= TRIES) this.entries.delete(id);
    }
  }
}
