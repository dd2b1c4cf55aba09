/**
 * An in-memory stand-in for the core node with the parts the P2P layer uses: per-author
 * hash-chained logs checked with the core's `verifyRun`, causal dependencies (entries wait until
 * their deps are stored), one logic rule (only members may send messages) and events.
 */
import { generateKeyPair, type KeyPair } from '../../../src/core/identity.js';
import { createEntry, seal, verifyRun, type SealedEntry } from '../../../src/core/log.js';
import type {
  Address,
  ChannelId,
  EntryEnvelope,
  EntryId,
  Frontier,
  IngestResult,
  NodeEvent,
  NodeEventOf,
  NodeEventType,
  SignedPresence,
  Transaction,
} from '../../../src/core/types.js';
import type { SyncNode } from '../../../src/core/p2p/types.js';
import { verify } from '../../../src/core/identity.js';
import { encodeCanonical } from '../../../src/core/encoding.js';

export class FakeNode implements SyncNode {
  readonly key: KeyPair = generateKeyPair();
  readonly address: Address = this.key.address;
  private readonly logs = new Map<string, SealedEntry[]>();
  private readonly byId = new Map<string, SealedEntry>();
  private readonly held = new Map<string, SealedEntry>();
  private readonly listeners = new Map<string, Set<(e: NodeEvent) => void>>();
  readonly members = new Set<string>();
  readonly presence: SignedPresence[] = [];
  private readonly heads = new Map<string, EntryId>();
  private lastWall = 0;
  ingestCalls = 0;
  maxHeld = 0;

  /** Appends a local entry by `pair` (default the node key) and emits it. */
  append(
    channel: string,
    deps: EntryId[] = this.headsOf(channel),
    pair = this.key,
    intent: Transaction['intent'] = 'sendMessage',
  ): SealedEntry {
    const log = this.logs.get(pair.address) ?? [];
    const last = log[log.length - 1];
    const wall = Math.max(Date.now(), this.lastWall);
    this.lastWall = wall;
    const sealed = createEntry(pair, {
      seq: log.length + 1,
      prev: last?.id ?? null,
      hlc: { wall, counter: this.byId.size },
      tx: {
        intent,
        actor: pair.address as never,
        consumes: [],
        creates: [],
        channel: channel as ChannelId,
        deps,
      },
    });
    this.store(sealed);
    this.emit({
      type: 'entry',
      envelope: { entry: sealed.entry, contents: new Map() },
      local: true,
    });
    return sealed;
  }

  headsOf(channel: string): EntryId[] {
    const head = this.heads.get(channel);
    return head ? [head] : [];
  }

  private store(sealed: SealedEntry): void {
    const log = this.logs.get(sealed.entry.author) ?? [];
    log.push(sealed);
    this.logs.set(sealed.entry.author, log);
    this.byId.set(sealed.id, sealed);
    if (sealed.entry.tx.channel) this.heads.set(sealed.entry.tx.channel, sealed.id);
    this.lastWall = Math.max(this.lastWall, sealed.entry.hlc.wall);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async ingest(envelopes: readonly EntryEnvelope[]): Promise<IngestResult> {
    this.ingestCalls += 1;
    let accepted = 0;
    let duplicates = 0;
    const rejected: { entry: EntryId; reason: string }[] = [];
    const applied: EntryId[] = [];
    for (const env of envelopes) {
      const sealed = seal(env.entry);
      if (this.byId.has(sealed.id)) {
        duplicates += 1;
        continue;
      }
      const reason = this.refuse(sealed);
      if (reason) rejected.push({ entry: sealed.id, reason });
      else this.held.set(sealed.id, sealed);
    }
    // Release held entries whose chain and deps are complete, until nothing moves.
    for (let moved = true; moved;) {
      moved = false;
      for (const [id, sealed] of this.held) {
        const log = this.logs.get(sealed.entry.author) ?? [];
        if (sealed.entry.seq !== log.length + 1) continue;
        if (!sealed.entry.tx.deps.every((d) => this.byId.has(d))) continue;
        this.held.delete(id);
        try {
          const head = log[log.length - 1];
          verifyRun(
            [sealed],
            head && { seq: head.entry.seq, id: head.id },
            () => undefined,
            'each',
          );
        } catch (err) {
          rejected.push({ entry: id as EntryId, reason: (err as Error).message });
          continue;
        }
        this.store(sealed);
        accepted += 1;
        applied.push(id as EntryId);
        moved = true;
        this.emit({
          type: 'entry',
          envelope: { entry: sealed.entry, contents: new Map() },
          local: false,
        });
      }
    }
    this.maxHeld = Math.max(this.maxHeld, this.held.size);
    return { accepted, duplicates, pending: this.held.size, rejected, applied };
  }

  private refuse(sealed: SealedEntry): string | undefined {
    const { tx, author } = sealed.entry;
    if (tx.intent === 'sendMessage' && this.members.size > 0 && !this.members.has(author)) {
      return 'messageLogic: sender is not a member of the channel';
    }
    const log = this.logs.get(author) ?? [];
    if (sealed.entry.seq <= log.length) return `chain: seq ${sealed.entry.seq} already taken`;
    return undefined;
  }

  ingestPresence(presence: SignedPresence): boolean {
    const ok =
      verify(presence.author, encodeCanonical(presence.presence), presence.sig) &&
      presence.presence.expiresAt > Date.now();
    if (ok) this.presence.push(presence);
    return ok;
  }

  frontier(channels?: readonly ChannelId[]): Frontier {
    const out = new Map<Address, number>();
    for (const [author, log] of this.logs) {
      if (channels && !log.some((e) => channels.includes(e.entry.tx.channel as ChannelId)))
        continue;
      out.set(author as Address, log.length);
    }
    return out;
  }

  entriesAfter(author: Address, afterSeq: number, limit: number): EntryEnvelope[] {
    return (this.logs.get(author) ?? [])
      .slice(afterSeq, afterSeq + limit)
      .map((s) => ({ entry: s.entry, contents: new Map() }));
  }

  getEntries(ids: readonly EntryId[]): EntryEnvelope[] {
    return ids.flatMap((id) => {
      const s = this.byId.get(id);
      return s ? [{ entry: s.entry, contents: new Map() }] : [];
    });
  }

  followedChannels(): ChannelId[] {
    return [
      ...new Set(
        [...this.byId.values()].map((e) => e.entry.tx.channel).filter((c) => c !== undefined),
      ),
    ] as ChannelId[];
  }

  getChannel(id: ChannelId) {
    return this.followedChannels().includes(id)
      ? {
          id,
          name: id,
          encrypted: false,
          visibility: 'public' as const,
          creator: '' as never,
          memberCount: 1,
        }
      : undefined;
  }

  /** Every stored entry id, in per-author seq order (for equality checks). */
  ids(): string[] {
    return [...this.logs.values()]
      .flat()
      .map((e) => e.id)
      .sort();
  }

  on<T extends NodeEventType>(type: T, listener: (event: NodeEventOf<T>) => void): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (e: NodeEvent) => void);
    this.listeners.set(type, set);
    return () => set.delete(listener as (e: NodeEvent) => void);
  }

  private emit(event: NodeEvent): void {
    for (const l of this.listeners.get(event.type) ?? []) l(event);
  }

  metrics() {
    return {
      transactions: {},
      rejections: {},
      logSizes: {},
      entries: this.byId.size,
      pending: this.held.size,
    };
  }
}
