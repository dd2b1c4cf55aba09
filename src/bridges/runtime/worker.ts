/**
 * The delivery worker: takes each target's next due delivery from the outbox and carries it out.
 * Order per target comes from the outbox (head-of-line per target) plus one delivery in flight
 * per target here. Each attempt is recorded (`markSending`) before the network call and settled
 * after it (`markSent` with the external ids and message mappings in one transaction, or
 * `markRetry`/`markDead`), so a crash loses at most the knowledge of one send per target —
 * and the retry carries the same idempotency key.
 */
import { DeliveryStateError } from '../../mapping/index.js';
import type { Delivery } from '../../mapping/types.js';
import { span } from '../../core/spans.js';
import { DeliveryError, describe } from '../errors.js';
import type { DeliveryResult } from '../types.js';
import { backoffDelay } from './backoff.js';
import type { AdapterSlot, RuntimeContext } from './context.js';
import { deliveryListeners } from './delivery-events.js';
import { dispatch } from './dispatch.js';
import { IdentityRecorder } from './identities.js';
import { resolveAction } from './outbound.js';
import { parsePlannedAction } from './plan.js';
import { untilStored } from './store-wait.js';

export class DeliveryWorker {
  /** Targets (`network targetKey`) with a delivery in flight, and its promise. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private kicked = false;
  /** Set once stop() gave up waiting: late settlements are dropped, as if the process died. */
  private abandoned = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Ghosts and puppets the adapters used for people (runtime/identities.ts). */
  private readonly identities: IdentityRecorder;

  constructor(private readonly ctx: RuntimeContext) {
    this.identities = new IdentityRecorder(ctx);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking work; waits for in-flight deliveries at most `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), grace]);
    clearTimeout(timer);
    // A send still hanging now is left as 'sending': the next start retries it with the same
    // idempotency key, exactly what happens after a crash.
    this.abandoned = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Something was enqueued or a clock moved: look for due work now. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** The in-flight delivery of a target, if any (the loop guard waits for it). */
  pending(network: string, targetKey: string): Promise<void> | undefined {
    return this.inFlight.get(`${network} ${targetKey}`);
  }

  /** Resolves when nothing is in flight and nothing is due (for tests and shutdown). */
  async drain(maxRounds = 1000): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      await Promise.allSettled([...this.inFlight.values()]);
      const due = (await this.ctx.store.outbox.nextDue(this.ctx.now())).filter(
        (d) => this.ctx.adapters.get(d.network)?.adapter.health().state === 'connected',
      );
      if (due.length === 0 && this.inFlight.size === 0) return;
      this.kick();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        await this.round();
      } catch (error) {
        this.ctx.logger.error({ err: describe(error) }, 'delivery round failed');
      }
      if (!this.running) break;
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.ctx.options.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async round(): Promise<void> {
    span('w.round');
    const due = await this.ctx.store.outbox.nextDue(this.ctx.now());
    span('w.due');
    for (const delivery of due) {
      const key = `${delivery.network} ${delivery.targetKey}`;
      if (this.inFlight.has(key)) continue;
      const slot = this.ctx.adapters.get(delivery.network);
      if (!slot) continue; // configured off since it was queued; it waits for the network's return
      // A disconnected network would only burn attempts towards the dead letter: wait for it.
      if (slot.adapter.health().state !== 'connected') continue;
      const task = this.deliver(slot, delivery)
        .catch((error: unknown) => {
          this.ctx.logger.error({ err: describe(error), delivery: delivery.id }, 'delivery failed');
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.kick();
        });
      this.inFlight.set(key, task);
    }
  }

  private async deliver(slot: AdapterSlot, delivery: Delivery): Promise<void> {
    const { store } = this.ctx;
    const planned = parsePlannedAction(delivery.action);
    const link = await store.links.get(delivery.linkId);
    span('w.link');
    if (!planned || !link) {
      await store.outbox.markDead(delivery.id, planned ? 'link deleted' : 'unreadable action');
      return;
    }
    const resolved = await resolveAction(this.ctx, slot.adapter, link, delivery, planned);
    span('w.resolved');
    if ('skip' in resolved) {
      await store.outbox.markSent(delivery.id, []);
      if (resolved.done) {
        this.ctx.logger.debug({ delivery: delivery.id, detail: resolved.skip }, 'nothing to send');
        return;
      }
      this.ctx.drops.drop(link.network, planned.kind, resolved.reason ?? 'unsupported', {
        direction: 'outbound',
        delivery: delivery.id,
        detail: resolved.skip,
      });
      return;
    }
    await slot.limiter.acquire();
    await store.outbox.markSending(delivery.id);
    span('w.marked');
    let result: DeliveryResult;
    try {
      result = await this.withTimeout(dispatch(slot.adapter, resolved.action));
      span('w.sent');
    } catch (error) {
      if (!this.abandoned) await this.failed(slot, delivery, error);
      return;
    }
    if (this.abandoned) return;
    {
      const ids = [...result.externalIds];
      const messageId = resolved.message;
      const mappings = messageId
        ? ids.map((externalId) => ({
            network: link.network,
            targetKey: link.targetKey,
            externalId,
            messageId,
            channel: link.channel,
            direction: 'outbound' as const,
          }))
        : [];
      // The line is out: a store outage now must not make it go again (the row would stay
      // 'sending' and be sent a second time), so the settlement waits for the store. A try
      // whose commit went through but whose answer was lost finds the row sent: done.
      await untilStored(this.ctx, 'delivery settlement', () =>
        store.outbox.markSent(delivery.id, ids, mappings).catch(settledBefore),
      );
      span('w.settled');
      this.settled(delivery, 'sent');
    }
    const sender = resolved.action.sender;
    await this.identities.afterDelivery(slot.adapter, link.network, sender, result);
  }

  /** Tells the runtime's delivery listeners (the latency histogram). */
  private settled(delivery: Delivery, outcome: 'sent' | 'dead'): void {
    deliveryListeners(this.ctx).notify({
      network: delivery.network,
      outcome,
      latencyMs: Math.max(0, this.ctx.now() - delivery.createdAt),
    });
  }

  /** A dead letter is an event not carried: counted as `failed` (runtime/dropped.ts). */
  private deadLetter(delivery: Delivery, detail: string): void {
    this.settled(delivery, 'dead');
    const kind = parsePlannedAction(delivery.action)?.kind ?? 'other';
    this.ctx.drops.drop(delivery.network, kind, 'failed', {
      direction: 'outbound',
      delivery: delivery.id,
      detail,
    });
  }

  private async failed(slot: AdapterSlot, delivery: Delivery, error: unknown): Promise<void> {
    const { store, options } = this.ctx;
    const attempts = delivery.attempts + 1;
    const reason = describe(error);
    const typed = error instanceof DeliveryError ? error : undefined;
    if (typed?.permanent) {
      await store.outbox.markDead(delivery.id, `refused by ${delivery.network}: ${reason}`);
      this.deadLetter(delivery, reason);
      return;
    }
    if (attempts >= options.maxAttempts) {
      await store.outbox.markDead(delivery.id, `gave up after ${attempts} attempts: ${reason}`);
      this.deadLetter(delivery, reason);
      return;
    }
    let wait = backoffDelay(attempts, options.backoff, options.random);
    if (typed?.retryAfterMs !== undefined) {
      slot.limiter.pause(typed.retryAfterMs);
      wait = Math.max(wait, typed.retryAfterMs);
    }
    await store.outbox.markRetry(delivery.id, reason, this.ctx.now() + wait);
    this.ctx.logger.warn(
      { delivery: delivery.id, attempts, waitMs: wait, err: reason },
      'delivery will be retried',
    );
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.ctx.options.sendTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(`no answer within ${ms} ms`)), ms);
      this.timers.add(timer);
    });
    return Promise.race([promise, timeout]).finally(() => {
      clearTimeout(timer);
      if (timer) this.timers.delete(timer);
    });
  }
}

/** markSent's refusal of a row already sent (by the same settlement's earlier try): not a failure. */
function settledBefore(error: unknown): void {
  if (error instanceof DeliveryStateError && error.state === 'sent') return;
  throw error;
}
