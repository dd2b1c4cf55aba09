/**
 * Live backfill (issue 20): when a backfill-capable adapter (re)connects, each of its linked
 * targets is read from the last message seen there (a cursor per target in the mapping store's
 * `cursors`) and fed through the normal inbound path, oldest first. Live events of a target are
 * held until its backfill is done, so what was said while the gateway was down reads before
 * what is said after. Messages already mapped (a backfill overlap) and our own echoes stop at
 * the resolve step's loop guard, so each arrives once. A missed message keeps the network's
 * original time as its createdAt (as an import does) and is still carried to the other links.
 */
import type { Link } from '../../mapping/types.js';
import { targetKeyOf } from '../../mapping/index.js';
import { describe } from '../errors.js';
import type {
  AdapterState,
  BackfillAdapter,
  BackfillLimits,
  BridgeAdapter,
  InboundEvent,
  NetworkName,
} from '../types.js';
import { carryBackfilled, dated, type Carry } from './backfill-carry.js';
import { HeldEvents, messageKey } from './backfill-held.js';
import type { RuntimeContext } from './context.js';
import { supportsBackfill } from './guards.js';
import { untilStored } from './store-wait.js';

export const DEFAULT_BACKFILL: BackfillLimits = { maxAgeHours: 24, maxMessages: 1_000 };
const PAGE = 100;
const cursorKey = (targetKey: string) => `backfill:${targetKey}`;

type Emit = (event: InboundEvent) => Promise<void>;

/** One per network: wraps the runtime's emitter for that adapter. */
export class BackfillGate {
  private adapter: BackfillAdapter | undefined;
  /** Target keys whose live events wait; `all` while not connected or before the pass lists links. */
  private holding: Set<string> | 'all' | undefined;
  /** Live events held, and live messages not through the inbound path yet (./backfill-held.ts). */
  private readonly live = new HeldEvents();
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly network: NetworkName,
    private readonly emit: Emit,
    private readonly carried?: Carry,
  ) {}

  /** Binds the built adapter; without backfill (or with maxMessages 0) the gate lets all through. */
  attach(adapter: BridgeAdapter): void {
    if (!supportsBackfill(adapter)) return;
    if ((adapter.backfillLimits ?? DEFAULT_BACKFILL).maxMessages <= 0) return;
    this.adapter = adapter;
    this.holding = 'all';
  }

  /** The `emit` handed to the adapter. */
  readonly emitter: Emit = (event) => {
    // Shed (counted) while the store is down and the inbound hold is full: runtime/inbound-hold.ts.
    if (this.ctx.hold?.enter(this.network, event.kind) === false) return Promise.resolve();
    const key = 'target' in event ? targetKeyOf(this.network, event.target) : undefined;
    this.live.mark(key, event, 1);
    if (key !== undefined && this.holds(key)) {
      this.live.hold(key, event);
      return Promise.resolve();
    }
    return this.forward(key, event).finally(() => this.through(key, event));
  };

  /**
   * After the inbound hold shed events: every linked target is read again from its cursor
   * (no shed message moved it), live events held meanwhile. False: no history to read.
   */
  reread(): boolean {
    if (!this.adapter) return false;
    // 'all' already: a pass is queued or a connect will run one.
    if (this.holding === 'all') return true;
    this.holding = 'all';
    this.pass = this.pass.then(() => this.run()).catch(() => undefined);
    return true;
  }

  private through(key: string | undefined, event: InboundEvent): void {
    this.live.mark(key, event, -1);
    this.ctx.hold?.leave();
  }

  /** Health changes of the adapter: a connect starts a pass, anything else holds again. */
  health(state: AdapterState): void {
    if (!this.adapter) return;
    if (state === 'connected') {
      if (this.holding !== 'all') return; // already backfilled since the last connect
      this.pass = this.pass.then(() => this.run()).catch(() => undefined);
    } else if (state !== 'stopped') {
      this.holding = 'all';
    }
  }

  /** Resolves when the current pass (if any) is done: for tests and orderly shutdown. */
  idle(): Promise<void> {
    return this.pass;
  }

  private holds(key: string): boolean {
    return this.holding === 'all' || (this.holding?.has(key) ?? false);
  }

  private async forward(
    key: string | undefined,
    event: InboundEvent,
    backfilled = false,
  ): Promise<void> {
    await this.emit(event);
    // The last message seen moves the target's cursor (live and backfilled alike). Our own
    // posts move it only when read back by a pass, which goes in the network's order: live, their
    // echo can come before others' messages still queued. Without that, a pass that read only our
    // own posts left the cursor behind them and every reconnect read them all again.
    if (key !== undefined && event.kind === 'message' && (!event.self || backfilled)) {
      // Not before a backfilled message's deliveries are queued (a throw keeps the cursor).
      if (backfilled) await carryBackfilled(this.ctx, this.network, this.carried, key, event);
      await this.ctx.store.cursors
        .set(this.network, cursorKey(key), event.externalId)
        .catch((error: unknown) =>
          this.ctx.logger.warn({ err: describe(error), network: this.network }, 'cursor not kept'),
        );
    }
  }

  private async run(): Promise<void> {
    const adapter = this.adapter;
    if (!adapter) return;
    // Waits out a store outage: a pass that failed here held live events until the next connect.
    const all = await untilStored(this.ctx, 'backfill links', () => this.ctx.store.links.list());
    const links = all.filter((l) => l.network === this.network);
    const pending = new Set(links.map((l) => l.targetKey as string));
    this.holding = pending;
    // Not what a re-read asked to hold meanwhile (`reread`): the next pass releases that.
    await this.release((key) => !this.holds(key));
    for (const link of links) {
      try {
        await this.backfillLink(adapter, link);
      } catch (error) {
        this.ctx.logger.warn(
          { err: describe(error), network: this.network, target: link.targetKey },
          'backfill failed; live events of this target go on',
        );
        this.ctx.drops.drop(this.network, 'message', 'failed', { direction: 'inbound' });
      }
      pending.delete(link.targetKey);
      await this.release((key) => !this.holds(key));
    }
  }

  private async backfillLink(adapter: BackfillAdapter, link: Link): Promise<void> {
    const limits = adapter.backfillLimits ?? DEFAULT_BACKFILL;
    // History from before the link was made is an import's job, not a backfill's.
    const since = Math.max(this.ctx.now() - limits.maxAgeHours * 3_600_000, link.createdAt);
    // Received live and not stored yet: the cursor lags them while the inbound path is behind.
    // Those already handed to the emitter are queued ahead of anything this pass emits, so they
    // are not emitted twice; held ones are (in the network's order, before the ones missed).
    const { received, held } = this.live.seen(link.targetKey);
    let cursor = await untilStored(this.ctx, 'backfill cursor', () =>
      this.ctx.store.cursors.get(this.network, cursorKey(link.targetKey)),
    );
    let left = limits.maxMessages;
    let count = 0;
    while (left > 0) {
      const page = await adapter.backfill(link.target, cursor, Math.min(PAGE, left), since);
      for (const [i, event] of page.events.entries()) {
        const id =
          event.kind === 'message' ? messageKey(link.targetKey, event.externalId) : undefined;
        if (id !== undefined && received.has(id) && !held.has(id)) continue;
        if (id !== undefined && !received.has(id)) left -= 1;
        await this.forward(link.targetKey, dated(event, page.times?.[i]), true);
        count += 1;
      }
      if (!page.cursor || page.events.length === 0) break;
      cursor = page.cursor;
    }
    if (count > 0) {
      this.ctx.logger.info(
        { network: this.network, target: link.targetKey, events: count },
        'backfilled what was said while disconnected',
      );
    }
  }

  /** Emits the held events that `match`, in the order they came. */
  private async release(match: (key: string) => boolean): Promise<void> {
    const out = this.live.take(match);
    // Handed over in one go: the emitter queues them in this order, ahead of newer live events.
    await Promise.all(
      out.map(({ key, event }) => this.forward(key, event).finally(() => this.through(key, event))),
    );
  }
}
