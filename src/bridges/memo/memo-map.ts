/**
 * A small map of facts an adapter keeps across restarts (AdapterComponents.memos), with the
 * recent ones cached in memory. Shared by the adapters (they may not import each other). Without memos (an adapter built alone in a test) it is the
 * memory cache only, as before. A store failure is logged and the fact kept in memory, so an
 * outage of the mapping store never stops a message: only a restart during it forgets.
 */
import type { AdapterLogger, AdapterMemos } from '../types.js';

/** A key known to have no value (cached so the store is asked once per key). */
const NONE = null;

export class MemoMap {
  private readonly cache = new Map<string, string | typeof NONE>();

  constructor(
    /** The adapter's network, named in the log line of a store failure. */
    private readonly network: string,
    private readonly kind: string,
    private readonly memos: AdapterMemos | undefined,
    private readonly logger: AdapterLogger,
    private readonly kept = 10_000,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const hit = this.cache.get(key);
    if (hit !== undefined || !this.memos) return hit ?? undefined;
    const stored = await this.memos.get(this.kind, key).catch((error: unknown) => {
      this.failed('read', error);
      return undefined;
    });
    // A set while the store was asked is newer than what it answered.
    if (!this.cache.has(key)) this.remember(key, stored ?? NONE);
    return this.cache.get(key) ?? undefined;
  }

  async set(key: string, value: string): Promise<void> {
    this.remember(key, value);
    await this.memos?.set(this.kind, key, value).catch((error: unknown) => {
      this.failed('write', error);
    });
  }

  async delete(key: string): Promise<void> {
    this.remember(key, NONE);
    await this.memos?.delete(this.kind, key).catch((error: unknown) => {
      this.failed('delete', error);
    });
  }

  private remember(key: string, value: string | typeof NONE): void {
    this.cache.delete(key); // re-inserted last: the oldest entry is the first to go
    this.cache.set(key, value);
    if (this.cache.size > this.kept) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private failed(what: string, error: unknown): void {
    this.logger.warn(
      { kind: this.kind, err: error instanceof Error ? error.message : String(error) },
      `${this.network}: could not ${what} a ${this.kind} memo; kept in memory only`,
    );
  }
}
