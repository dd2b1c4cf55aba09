/**
 * Settled deliveries, told to listeners as they happen: the gateway turns them into the
 * `multichat_delivery_latency_seconds{network}` histogram. Only the network and the time from
 * enqueue to settlement travel here (bounded labels, nothing about people or content).
 */
import type { RuntimeContext } from './context.js';

export interface DeliverySettled {
  readonly network: string;
  /** 'sent' reached the network; 'dead' was given up on. */
  readonly outcome: 'sent' | 'dead';
  /** From enqueue to settlement, including waits for a down network and retries. */
  readonly latencyMs: number;
}

export type DeliveryListener = (settled: DeliverySettled) => void;

export class DeliveryListeners {
  private readonly listeners = new Set<DeliveryListener>();

  on(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(settled: DeliverySettled): void {
    // A listener's bug must not fail the delivery that was just recorded.
    for (const listener of this.listeners) {
      try {
        listener(settled);
      } catch {
        // the metrics side only observes; nothing to undo here
      }
    }
  }
}

const listenersOf = new WeakMap<RuntimeContext, DeliveryListeners>();

/** The delivery listeners of one runtime (`BridgeRuntime.onDelivered`). */
export function deliveryListeners(ctx: RuntimeContext): DeliveryListeners {
  let listeners = listenersOf.get(ctx);
  if (!listeners) listenersOf.set(ctx, (listeners = new DeliveryListeners()));
  return listeners;
}
