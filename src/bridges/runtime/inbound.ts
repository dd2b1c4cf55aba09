/**
 * Inbound event → core, in three steps: the emitter (the target key computed once, events of
 * one target handled one after another in emit order), the resolve step (one mapping-store
 * round trip: link, loop guard, identities, mentioned people; runtime/resolve.ts), and the
 * handler of the event's kind (runtime/inbound-handlers.ts). Events from unlinked places and
 * our own echoes stop at the resolve step. Network-wide events (profile, presence) have no
 * target and go straight to the person's profile.
 */
import type { TargetKey } from '../../mapping/types.js';
import { span } from '../../core/spans.js';
import { targetKeyOf } from '../../mapping/index.js';
import { describe } from '../errors.js';
import type { InboundEvent, NetworkName } from '../types.js';
import type { RuntimeContext } from './context.js';
import { handlers } from './inbound-handlers.js';
import { ensureUser } from './people.js';
import { resolveInbound, type InFlight, type Resolved, type TargetedEvent } from './resolve.js';
import { carryTyping } from './typing.js';

export class InboundHandler {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly inFlight: InFlight,
  ) {}

  /** The `emit` given to the adapter of `network`: serial per target, never rejects. */
  emitterFor(network: NetworkName): (event: InboundEvent) => Promise<void> {
    return (event) => {
      span('in.emit');
      const targetKey = 'target' in event ? targetKeyOf(network, event.target) : undefined;
      const queue =
        'target' in event ? `${network} ${targetKey}` : `${network} @${event.sender.externalId}`;
      const run = (this.queues.get(queue) ?? Promise.resolve())
        .then(() => this.handle(network, targetKey, event))
        .catch((error: unknown) => {
          this.ctx.logger.warn(
            { err: describe(error), network, kind: event.kind },
            'inbound event not bridged',
          );
          this.ctx.drops.drop(network, event.kind, 'failed', { direction: 'inbound' });
        });
      this.queues.set(queue, run);
      void run.then(() => {
        if (this.queues.get(queue) === run) this.queues.delete(queue);
      });
      return run;
    };
  }

  private async handle(
    network: NetworkName,
    targetKey: TargetKey | undefined,
    event: InboundEvent,
  ): Promise<void> {
    if (event.kind === 'profile') {
      await ensureUser(this.ctx, network, event.sender);
      return;
    }
    if (event.kind === 'presence') {
      const user = await ensureUser(this.ctx, network, event.sender);
      const text = event.text !== undefined ? { text: event.text } : {};
      await this.ctx.node.submit(user.id, { kind: 'setPresence', status: event.status, ...text });
      return;
    }
    if (targetKey === undefined) return; // every other kind has a target
    if (event.kind === 'typing') return carryTyping(this.ctx, network, targetKey, event);
    const resolved = await resolveInbound(this.ctx, this.inFlight, network, targetKey, event);
    if (!resolved) return;
    span('in.resolved');
    await dispatch(this.ctx, resolved, event);
  }
}

/** Calls the table's handler for the event's kind (the cast pairs a kind with its handler). */
function dispatch(ctx: RuntimeContext, resolved: Resolved, event: TargetedEvent): Promise<void> {
  const handler = handlers[event.kind] as (
    c: RuntimeContext,
    r: Resolved,
    e: TargetedEvent,
  ) => Promise<void>;
  return handler(ctx, resolved, event);
}
