/**
 * Entry fetches from peers, one at a time per peer: requests that arrive while one runs are
 * joined into the next. A burst of private-channel gossip would otherwise open a stream per
 * message, and a server accepts only a few inbound sync streams per connection.
 */
import type { PeerId } from '@libp2p/interface';
import type { EntryId } from '../types.js';
import type { IdentifiedEnvelope } from './repair.js';
import { MAX_GET_IDS } from './sync-messages.js';

export type FetchEntries = (peer: PeerId, ids: readonly EntryId[]) => Promise<IdentifiedEnvelope[]>;

interface Waiting {
  readonly ids: Set<EntryId>;
  readonly done: ((found: ReadonlyMap<EntryId, IdentifiedEnvelope>) => void)[];
}

export class PeerFetches {
  private readonly waiting = new Map<string, Waiting>();
  private readonly running = new Set<string>();

  constructor(private readonly fetch: FetchEntries) {}

  /** The entries of `ids` that `peer` has; none when the peer fails (never throws). */
  get(peer: PeerId, ids: readonly EntryId[]): Promise<ReadonlyMap<EntryId, IdentifiedEnvelope>> {
    const key = peer.toString();
    const next = this.waiting.get(key) ?? { ids: new Set<EntryId>(), done: [] };
    this.waiting.set(key, next);
    for (const id of ids) next.ids.add(id);
    const found = new Promise<ReadonlyMap<EntryId, IdentifiedEnvelope>>((resolve) =>
      next.done.push(resolve),
    );
    if (!this.running.has(key)) void this.drain(peer, key);
    return found;
  }

  private async drain(peer: PeerId, key: string): Promise<void> {
    this.running.add(key);
    for (let next = this.waiting.get(key); next; next = this.waiting.get(key)) {
      this.waiting.delete(key);
      const found = new Map<EntryId, IdentifiedEnvelope>();
      const ids = [...next.ids];
      for (let at = 0; at < ids.length; at += MAX_GET_IDS) {
        try {
          for (const e of await this.fetch(peer, ids.slice(at, at + MAX_GET_IDS))) {
            found.set(e.id, e);
          }
        } catch {
          break; // the peer went away or broke the protocol: what was found so far
        }
      }
      for (const done of next.done) done(found);
    }
    this.running.delete(key);
  }
}
