/**
 * The chains this node's users send with, one per (channel, sender): chain id, the chain key of
 * the next index (the ratchet moves on with every message, so keys of sent messages are gone
 * from here), the next index, and a digest of the box keys it was shared with. Kept in the data
 * dir's SQLite file (0600, like the seeds) so an index is never reused after a restart.
 */
import type { Db } from '../store/database.js';

export interface SendChain {
  readonly chain: string;
  chainKey: Buffer;
  nextIndex: number;
  readonly recipients: string;
}

interface Row {
  chain: string;
  chain_key: Buffer;
  next_index: number;
  recipients: string;
}

export class SendChains {
  private readonly stmt;
  private readonly cache = new Map<string, SendChain | null>();

  constructor(db: Db) {
    this.stmt = {
      get: db.prepare(
        'SELECT chain, chain_key, next_index, recipients FROM e2ee_send WHERE channel = ? AND sender = ?',
      ),
      put: db.prepare(
        `INSERT INTO e2ee_send (channel, sender, chain, chain_key, next_index, recipients)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, sender) DO UPDATE SET chain = excluded.chain,
           chain_key = excluded.chain_key, next_index = excluded.next_index,
           recipients = excluded.recipients`,
      ),
    };
  }

  get(channel: string, sender: string): SendChain | undefined {
    const key = `${channel} ${sender}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const row = this.stmt.get.get(channel, sender) as Row | undefined;
    const chain = row && {
      chain: row.chain,
      chainKey: row.chain_key,
      nextIndex: row.next_index,
      recipients: row.recipients,
    };
    this.cache.set(key, chain ?? null);
    return chain;
  }

  /** Call inside the commit that appends the message sealed with this state. */
  put(channel: string, sender: string, chain: SendChain): void {
    this.cache.set(`${channel} ${sender}`, chain);
    this.stmt.put.run(
      channel,
      sender,
      chain.chain,
      chain.chainKey,
      chain.nextIndex,
      chain.recipients,
    );
  }

  /** The group commit rolled back: what the cache holds may not be on disk. */
  forget(): void {
    this.cache.clear();
  }
}
