/**
 * Drives an adapter the way the router's delivery worker does, without the store: one action at a
 * time per target, each after a token of a bucket built from `capabilities.rateLimit`, held while
 * the adapter is not connected, and retried on a transient `DeliveryError` after the wait the
 * network asked for. Texts are written in Multichat Markdown and converted to the adapter's markup
 * by the same converters the router uses, mentions of the person included.
 */
import { DeliveryError } from '../../src/bridges/errors.js';
import {
  converterFor,
  idResolver,
  mapMentions,
  type MentionResolver,
} from '../../src/bridges/format/index.js';
import { RateLimiter } from '../../src/bridges/runtime/rate-limiter.js';
import type {
  DeliveryResult,
  ExternalMessageId,
  LinkTarget,
  RichText,
  SendAction,
  SenderDisplay,
  TargetKey,
} from '../../src/bridges/types.js';
import { eventually } from '../support/eventually.js';
import type { ContractAdapter, ContractPerson } from './adapter-harness.js';

/** The bridged Multichat person every action is sent as. */
export const SENDER: SenderDisplay = { id: 'contract-anna', name: 'anna' };

const ATTEMPTS = 30;

let seq = 0;

export class Courier {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly adapter: ContractAdapter,
    private readonly person: ContractPerson,
  ) {
    this.limiter = new RateLimiter(
      adapter.capabilities.rateLimit,
      () => Date.now(),
      (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    );
  }

  /** `markdown` in the adapter's markup; `@name` of the person becomes their native mention. */
  render(markdown: string): { text: string; rich: RichText } {
    const person = { id: 'contract-person', name: this.person.name };
    const reading: MentionResolver = {
      toUser: (name) => (name === person.name ? person : undefined),
      toNetwork: () => undefined,
    };
    // As the router does (runtime/mentions-out.ts): mentions in `rich` carry the network's id.
    const parsed = converterFor('markdown').parse(markdown, { resolver: reading });
    const rich = mapMentions(parsed, (n) =>
      n.user.id === person.id ? { ...n, user: { ...n.user, id: this.person.id } } : n,
    );
    const text = converterFor(this.adapter.capabilities.markup).render(rich, {
      resolver: idResolver,
    });
    return { text, rich };
  }

  base(target: LinkTarget) {
    return {
      target,
      targetKey: `contract:${JSON.stringify(target)}` as TargetKey,
      idempotencyKey: `contract-${Date.now()}-${++seq}`,
      sender: SENDER,
    };
  }

  send(target: LinkTarget, markdown: string, extra: Partial<SendAction> = {}) {
    const action: SendAction = {
      kind: 'send',
      ...this.base(target),
      ...this.render(markdown),
      ...extra,
    };
    return this.deliver(() => this.adapter.send(action));
  }

  edit(target: LinkTarget, externalIds: readonly ExternalMessageId[], markdown: string) {
    const action = {
      kind: 'edit' as const,
      ...this.base(target),
      externalIds,
      ...this.render(markdown),
    };
    return this.deliver(() => this.need('edit')(action));
  }

  delete(target: LinkTarget, externalIds: readonly ExternalMessageId[]) {
    const action = { kind: 'delete' as const, ...this.base(target), externalIds };
    return this.deliver(() => this.need('delete')(action));
  }

  react(target: LinkTarget, externalId: string, emoji: string, added: boolean) {
    const action = {
      kind: added ? ('react' as const) : ('unreact' as const),
      ...this.base(target),
      externalId: externalId as ExternalMessageId,
      emoji,
    };
    return this.deliver(() => this.need('react')(action));
  }

  /** The target's topic, set by the bridge (a channel admin's change in Multichat). */
  setTopic(target: LinkTarget, topic: string) {
    const action = { kind: 'topic' as const, ...this.base(target), topic };
    return this.deliver(() => this.need('setTopic')(action));
  }

  /** The bridged person joins or leaves the target (a ghost or puppet, or a notice). */
  membership(target: LinkTarget, kind: 'join' | 'leave') {
    const action = { kind, ...this.base(target) };
    return this.deliver(() => this.need('membership')(action));
  }

  /** The bridged person types (best effort, never queued nor retried: one call, as the router). */
  async typing(target: LinkTarget, active: boolean): Promise<void> {
    const { targetKey, sender } = this.base(target);
    await this.need('setTyping')({ target, targetKey, sender, active });
  }

  /** One action, as the worker carries it out: paced, held while down, retried when transient. */
  async deliver(run: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
    let last: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await eventually(() => this.adapter.health().state === 'connected', {
        what: 'the adapter connected',
        timeoutMs: 120_000,
        intervalMs: 100,
      });
      await this.limiter.acquire();
      try {
        return await run();
      } catch (error) {
        if (error instanceof DeliveryError && error.permanent) throw error;
        last = error;
        const wait = error instanceof DeliveryError ? (error.retryAfterMs ?? 500) : 500;
        this.limiter.pause(wait);
      }
    }
    throw new Error(`gave up after ${ATTEMPTS} attempts`, { cause: last });
  }

  private need<K extends 'edit' | 'delete' | 'react' | 'setTopic' | 'membership' | 'setTyping'>(
    method: K,
  ): NonNullable<ContractAdapter[K]> {
    const fn = this.adapter[method];
    if (!fn) throw new Error(`the adapter declares the capability but has no ${method}()`);
    return fn.bind(this.adapter) as NonNullable<ContractAdapter[K]>;
  }
}
