/** A small typed event hub; listeners that throw are isolated from each other and the node. */
import type { CoreLogger } from './options.js';
import type { NodeEvent, NodeEventOf, NodeEventType, Unsubscribe } from './types.js';

export class EventHub {
  private readonly listeners = new Map<NodeEventType, Set<(event: NodeEvent) => void>>();

  constructor(private readonly logger: CoreLogger) {}

  on<T extends NodeEventType>(type: T, listener: (event: NodeEventOf<T>) => void): Unsubscribe {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const wrapped = listener as (event: NodeEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Whether anybody listens to `type` (so producers can skip building the event). */
  has(type: NodeEventType): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  emit(event: NodeEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }
}
