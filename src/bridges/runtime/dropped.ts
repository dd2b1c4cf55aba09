/**
 * The one place where the runtime records an event it does not carry: every early return that
 * leaves an inbound event out of the core, or a core event off a linked network, calls
 * `DropStats.drop`, which counts it by network, kind and reason and logs it at debug. The
 * gateway shows the counts as `multichat_bridge_dropped_total{network,kind,reason}`; the labels
 * stay bounded because kinds and reasons are closed sets (`DropKind`, `DropReason` in
 * ../types.ts) and networks are the configured ones.
 *
 * Not drops: our own echoes and replays (loop prevention: the event was carried once), an
 * event kept off the target it came from, and what a written rule of docs/fidelity.md turns
 * into something else (a reply line, a link for a file).
 */
import type { AdapterLogger, DropKind, DropReason } from '../types.js';

/** `adapter`: reported by an adapter (`AdapterComponents.reportDrop`), either way. */
export type DropDirection = 'inbound' | 'outbound' | 'adapter';

/** Every kind and reason, so a label value from outside (an adapter) can be checked. */
export const DROP_KINDS = [
  ...['message', 'edit', 'delete', 'reaction', 'join', 'leave', 'topic', 'role', 'profile'],
  ...['presence', 'send', 'react', 'unreact', 'typing', 'other'],
] as const satisfies readonly DropKind[];
export const DROP_REASONS = [
  ...['unlinked', 'unsupported', 'not_configured', 'unknown_message', 'unknown_user'],
  ...['message_gone', 'banned', 'not_admin', 'failed', 'adapter', 'overload'],
] as const satisfies readonly DropReason[];
// Compile-time: the lists name every member of the unions (an addition there fails here).
type Missing =
  | Exclude<DropKind, (typeof DROP_KINDS)[number]>
  | Exclude<DropReason, (typeof DROP_REASONS)[number]>;
const complete: [Missing] extends [never] ? true : never = true;
void complete;

export interface DropCount {
  /** For inbound drops the network the event came from; for outbound ones, the receiving one. */
  readonly network: string;
  readonly kind: DropKind;
  readonly reason: DropReason;
  readonly count: number;
}

export interface DropDetail {
  readonly direction: DropDirection;
  /** Free text for the log line only (never a label). */
  readonly detail?: string;
  /** More log fields (target key, delivery id, message id). */
  readonly [field: string]: unknown;
}

const kinds: ReadonlySet<string> = new Set(DROP_KINDS);
const reasons: ReadonlySet<string> = new Set(DROP_REASONS);

export class DropStats {
  private readonly counts = new Map<string, DropCount>();

  constructor(private readonly logger: AdapterLogger) {}

  /** Counts and logs one event not carried. Unknown kinds or reasons (from an adapter) fold. */
  drop(network: string, kind: string, reason: string, detail: DropDetail): void {
    const k = (kinds.has(kind) ? kind : 'other') as DropKind;
    const r = (reasons.has(reason) ? reason : 'adapter') as DropReason;
    const key = `${network}\u0000${k}\u0000${r}`;
    const count = (this.counts.get(key)?.count ?? 0) + 1;
    this.counts.set(key, { network, kind: k, reason: r, count });
    this.logger.debug({ network, kind, reason: r, ...detail }, 'event not carried (dropped)');
  }

  /** Every non-zero count, in first-seen order. */
  list(): DropCount[] {
    return [...this.counts.values()];
  }

  /** The sum of every count (tests). */
  total(): number {
    let sum = 0;
    for (const c of this.counts.values()) sum += c.count;
    return sum;
  }
}
