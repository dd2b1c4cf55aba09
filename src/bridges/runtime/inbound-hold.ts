/**
 * The bound on inbound events held in memory (issue 23), above all during a mapping store
 * outage.
 *
 * An inbound event needs the store before the core can take it (the resolve step reads the
 * link, the loop guard's mappings and the sender's identity: runtime/resolve.ts), so while the
 * store is down every event waits in memory, in its target's queue, until it is back
 * (runtime/store-wait.ts; a PostgreSQL connect alone waits up to 30 s before it even fails).
 * Without a bound a long outage under traffic grew the process without limit.
 *
 * The rule (docs/reliability.md, "Mapping store outage"): at most `limit` events are held
 * (`store.maxHeldInbound`), from the adapter's emit until the core took them (or they were
 * dropped). When that many are held, each new event is shed: counted as
 * `multichat_bridge_dropped_total{reason="overload"}`, the episode logged once when it starts
 * and once when it ends. Shedding ends once the held events are down to half. Then each
 * network that keeps history (backfill: Matrix, Discord, Slack) reads its linked targets again
 * from their cursors, which no shed message passed, and the shed messages come back in order
 * (within the backfill limits). IRC keeps no history: its shed lines are lost, and only
 * counted. Edits, deletions, reactions, typing and presence shed are not read back (backfill
 * brings messages). The bound does not look at why events wait: a core far behind its
 * networks is shed by the same rule.
 */
import type { AdapterLogger } from '../types.js';
import type { DropStats } from './dropped.js';

export const DEFAULT_MAX_HELD_INBOUND = 10_000;

export interface InboundHoldDeps {
  /** Events held at most; shedding ends at half. */
  readonly limit: number;
  readonly logger: AdapterLogger;
  readonly drops: DropStats;
  /**
   * Called once an episode ends, with each network that shed and how many: asks it to read
   * back. Returns the networks that can (the others' shed events are lost for good).
   */
  readonly readBack: (shed: ReadonlyMap<string, number>) => readonly string[];
}

export class InboundHold {
  private held = 0;
  /** Events shed by network in the current episode; undefined while not shedding. */
  private shed: Map<string, number> | undefined;

  constructor(private readonly deps: InboundHoldDeps) {}

  /** Events entered and not through the inbound path yet. */
  get size(): number {
    return this.held;
  }

  /**
   * Whether an event of `kind` from `network` may enter; true counts it as held until `leave`.
   * A refused one is counted as dropped here.
   */
  enter(network: string, kind: string): boolean {
    if (!this.shed && this.held >= this.deps.limit) this.startShedding();
    if (!this.shed) {
      this.held += 1;
      return true;
    }
    this.shed.set(network, (this.shed.get(network) ?? 0) + 1);
    this.deps.drops.drop(network, kind, 'overload', { direction: 'inbound' });
    return false;
  }

  /** An entered event is through (handled, dropped or failed). */
  leave(): void {
    this.held -= 1;
    if (this.shed && this.held <= this.deps.limit / 2) this.endShedding(this.shed);
  }

  private startShedding(): void {
    this.shed = new Map();
    this.deps.logger.warn(
      { held: this.held, limit: this.deps.limit },
      'inbound hold full (store.maxHeldInbound; the mapping store down or the core behind): new events are dropped and counted until it is down to half',
    );
  }

  private endShedding(shed: ReadonlyMap<string, number>): void {
    this.shed = undefined;
    const readBack = this.deps.readBack(shed);
    const lost = [...shed.keys()].filter((network) => !readBack.includes(network));
    this.deps.logger.warn(
      { shed: Object.fromEntries(shed), held: this.held, readBack, lost },
      'inbound hold down to half: events flow again; shed messages are read back by backfill where the network keeps history, the others stay counted as dropped',
    );
  }
}
