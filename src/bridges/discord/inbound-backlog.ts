/**
 * The bound on Discord's inbound backlog (issue 23). Gateway events cannot be paused: Discord
 * pushes them whether or not the core keeps up, and a client that stops reading misses its
 * heartbeats and is disconnected. Before this bound, every event waited in memory until the
 * core took it, so a core slower than the channel grew the process without limit (the soak's
 * backlog held thousands of messages).
 *
 * The rule (docs/discord.md, "Overload"): at most `limit` events wait (raw packets not handled
 * yet plus events handed to the runtime and not through it). At the limit the adapter sheds:
 * each new event is counted as dropped (`multichat_bridge_dropped_total{reason="adapter"}`) and
 * the episode is logged. Once the backlog is down to half, live events flow again and the adapter
 * asks for a catch-up: the runtime's backfill reads each linked channel from its cursor, at the
 * pace the core takes it, which brings back the shed messages (within the backfill limits).
 * While shedding nothing newer than the shed messages reaches the runtime, so no cursor passes
 * them. Edits, deletions and reactions shed are not read back (backfill brings a message's
 * current text and reactions, not a deletion).
 */
import type { AdapterComponents, AdapterLogger, DropKind, InboundEvent } from '../types.js';

/** The dispatches the adapter would turn into events, by the event kind they would be. */
const KIND_OF: Readonly<Record<string, DropKind>> = {
  MESSAGE_CREATE: 'message',
  MESSAGE_UPDATE: 'edit',
  MESSAGE_DELETE: 'delete',
  MESSAGE_DELETE_BULK: 'delete',
  MESSAGE_REACTION_ADD: 'reaction',
  MESSAGE_REACTION_REMOVE: 'reaction',
  GUILD_MEMBER_ADD: 'join',
  GUILD_MEMBER_REMOVE: 'leave',
  GUILD_MEMBER_UPDATE: 'profile',
  CHANNEL_UPDATE: 'topic',
  TYPING_START: 'typing',
  PRESENCE_UPDATE: 'presence',
};

export interface InboundBacklogDeps {
  /** How many events may wait; shedding starts there and ends at half. */
  readonly limit: number;
  readonly logger: AdapterLogger;
  readonly reportDrop?: AdapterComponents['reportDrop'];
  /** Called once an episode of shedding ends: read back what was shed. */
  readonly catchUp: () => void;
}

export class InboundBacklog {
  private waiting = 0;
  private shedding = false;
  /** Events shed in the current episode. */
  private shed = 0;

  constructor(private readonly deps: InboundBacklogDeps) {}

  /** Events waiting now (raw packets queued plus events not through the runtime). */
  get size(): number {
    return this.waiting;
  }

  /**
   * Whether a gateway dispatch of type `t` may be queued. Dispatches that are not chat events
   * (READY, GUILD_CREATE, interactions) always may: they are few and the client needs them.
   * A refused one is counted as dropped.
   */
  admit(t: string | undefined): boolean {
    const kind = t === undefined ? undefined : KIND_OF[t];
    if (kind === undefined) return true;
    if (!this.shedding && this.waiting >= this.deps.limit) this.startShedding();
    if (!this.shedding) return true;
    this.shed += 1;
    this.deps.reportDrop?.(kind, 'adapter', 'inbound backlog full');
    return false;
  }

  /** Counts `work` as waiting until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    return work().finally(() => this.settled());
  }

  /** The `emit` the adapter's handlers use: each event waits, counted, until the runtime took it. */
  emitter(emit: (event: InboundEvent) => Promise<void>): (event: InboundEvent) => Promise<void> {
    return (event) => this.track(() => emit(event));
  }

  private startShedding(): void {
    this.shedding = true;
    this.shed = 0;
    this.deps.logger.warn(
      { waiting: this.waiting, limit: this.deps.limit },
      'discord: inbound backlog full (the core is not keeping up); new events are dropped and counted until it is down to half, then read back by backfill',
    );
  }

  private settled(): void {
    this.waiting -= 1;
    if (!this.shedding || this.waiting > this.deps.limit / 2) return;
    this.shedding = false;
    this.deps.logger.warn(
      { shed: this.shed, waiting: this.waiting },
      'discord: inbound backlog down to half; live events flow again, shed messages are read back by backfill',
    );
    this.deps.catchUp();
  }
}
