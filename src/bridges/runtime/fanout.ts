/**
 * Core event → outbox. Every message, edit, delete, reaction, membership and topic change (runtime/topics.ts) in a linked
 * channel becomes one delivery per linked external target, except the target it came from
 * (loop prevention for our own inbound traffic). A membership change with a role also becomes a
 * `role` delivery for adapters that set roles (a plain join too, as `member`: the event does not
 * say what the role was before, so adapters treat a role the person already has as done). Events
 * are enqueued strictly one after another, so the outbox's per-target sequence follows the
 * core's event order. A linked network that cannot take the event's kind (or has no adapter
 * here) gets a counted drop instead (runtime/dropped.ts).
 *
 * Expiry (a message's own expiry or the channel's retention) deletes the copies the gateway
 * posted on every linked network; the original on the network it came from only with
 * `retention.deleteOriginals` (default off: the gateway does not reach into a network's own
 * history because a Multichat channel forgets).
 */
import type { ChannelId, MessageId, MessageView, NodeEvent, UserId } from '../../core/types.js';
import type { DeliveryInput, Link, NetworkName, TargetKey } from '../../mapping/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { span } from '../../core/spans.js';
import { StoreUnavailableError } from '../../mapping/index.js';
import { describe } from '../errors.js';
import type { RuntimeContext } from './context.js';
import { canCarry } from './dispatch.js';
import { originTarget, type PlannedAction } from './plan.js';
import { untilStored } from './store-wait.js';
import { planTopic, watchTopics } from './topics.js';

/** Cursors of the router itself live under this pseudo-network name. */
const CURSOR_NETWORK = 'multichat-router' as NetworkName;
const cursorKey = (channel: ChannelId) => `fanout:${channel}`;
/** Waits before each retry of an enqueue the store refused for another reason than an outage. */
const ENQUEUE_RETRY_MS = [250, 1_000, 3_000];

type Excluded = { network: string; targetKey: TargetKey } | undefined;

interface Fanned {
  readonly channel: ChannelId;
  readonly action: PlannedAction;
  /** Stable per event; the link id is appended per target. */
  readonly key: string;
  /** Targets (or, with an empty target key, whole networks) that must not get it. */
  readonly exclude: readonly Excluded[];
  /**
   * The `member` role that comes with a join: where the network cannot set roles, the join
   * carries it, so its absence there is no drop.
   */
  readonly withJoin?: true;
}

export class FanOut {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  /** The newest message fanned out per channel whose cursor is not written yet. */
  private readonly cursorsDue = new Map<ChannelId, MessageId>();
  /** The pending write of `cursorsDue` (one at a time), if any. */
  private cursorWrite: Promise<void> | undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    /** Called after deliveries were enqueued, to wake the worker. */
    private readonly onEnqueued: () => void,
  ) {}

  /** Subscribes to the node; returns the unsubscriber. */
  attach(): () => void {
    const { node } = this.ctx;
    watchTopics(this.ctx); // the topics before, so a channel event tells a topic change
    const offs = [
      node.on('message', (e) => this.push(e)),
      node.on('edit', (e) => this.push(e)),
      node.on('delete', (e) => this.push(e)),
      node.on('reaction', (e) => this.push(e)),
      node.on('membership', (e) => this.push(e)),
      node.on('channel', (e) => this.push(e)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Resolves when every event heard so far is in the outbox and the cursors are written. */
  async idle(): Promise<void> {
    await this.chain;
    await this.cursorWrite;
  }

  /**
   * Closes the crash window between a core commit and its enqueue: messages of linked channels
   * after the last one fanned out (a cursor per channel) are planned again. Their idempotency
   * keys are the live path's, so whatever was enqueued already is not added twice. A channel
   * with no cursor yet (a fresh link) gets no history.
   */
  async catchUp(pageSize = 200): Promise<void> {
    const { store, node } = this.ctx;
    const channels = new Set((await store.links.list()).map((l) => l.channel));
    for (const channel of channels) {
      let after = (await store.cursors.get(CURSOR_NETWORK, cursorKey(channel))) as
        MessageId | undefined;
      // Bounded: at most 1000 pages per channel on one start.
      for (let page = 0; after !== undefined && page < 1000; page++) {
        let messages: MessageView[];
        try {
          messages = node.listMessages(channel, { after, limit: pageSize });
        } catch {
          break; // the cursor's message is gone (retention): nothing to anchor on
        }
        for (const message of messages) this.push({ type: 'message', message, local: false });
        if (messages.length < pageSize) break;
        after = messages[messages.length - 1]?.id;
      }
    }
    await this.chain;
  }

  /**
   * Queues a message's deliveries as live backfill does, even when it is dated as an import,
   * and resolves once they are in the outbox (or found there: the keys are the live path's).
   * The backfill gate calls it before it moves its cursor past a message, so a message whose
   * live enqueue a crash or a store error cut off is queued when the gate reads it again.
   */
  carry(message: MessageView): Promise<void> {
    const fanned = this.planSend(message);
    // In the chain (the outbox order stays the core's), but a failure reaches the caller.
    const done = this.chain.then(() => this.enqueue(fanned));
    this.chain = done.catch((error: unknown) => {
      this.ctx.logger.error({ err: describe(error), key: fanned.key }, 'fan-out failed');
    });
    return done;
  }

  private push(event: NodeEvent): void {
    span('fan.event');
    this.queue(this.plan(event));
  }

  private queue(planned: readonly Fanned[]): void {
    for (const fanned of planned) {
      this.chain = this.chain
        .then(() => this.enqueueRetrying(fanned))
        .catch((error: unknown) => {
          this.ctx.logger.error({ err: describe(error), key: fanned.key }, 'fan-out failed');
        });
    }
  }

  /** Decides synchronously (while inbound notes are still present) what the event becomes. */
  private plan(event: NodeEvent): Fanned[] {
    const { origins } = this.ctx;
    // Reactions and memberships carry no entry id; a counter keeps their keys unique here.
    const unique = `${this.ctx.now()}.${++this.seq}`;
    switch (event.type) {
      case 'message': {
        const m = event.message;
        // Imported history is not re-posted: it would flood the linked networks (docs/import.md;
        // `multichat import --replay-to` posts it on purpose, rate-limited). Live backfill is
        // dated like an import but is what the other links missed: it goes out.
        if (m.origin?.imported && !origins.isBackfill(m.origin.externalId)) return [];
        return [this.planSend(m)];
      }
      case 'edit': {
        const m = event.message;
        const exclude =
          origins.originOf({ kind: 'edit', message: m.id, user: m.sender.id }) ??
          originTarget(m.origin);
        const key = `edit:${m.id}:${m.editedAt ?? unique}`;
        return [
          { channel: m.channel, action: { kind: 'edit', message: m.id }, key, exclude: [exclude] },
        ];
      }
      case 'delete': {
        const exclude = [
          origins.originOf({ kind: 'delete', message: event.message, user: event.by }),
        ];
        // The message view keeps its origin after expiry (only the content goes).
        if (event.cause === 'expiry' && !this.ctx.options.deleteOriginals) {
          exclude.push(originTarget(this.ctx.node.getMessage(event.message)?.origin));
        }
        const action: PlannedAction = { kind: 'delete', message: event.message };
        return [{ channel: event.channel, action, key: `delete:${event.message}`, exclude }];
      }
      case 'reaction': {
        const kind = event.added ? 'react' : 'unreact';
        const note = {
          kind,
          message: event.message,
          user: event.user,
          emoji: event.emoji,
        } as const;
        const action: PlannedAction = note;
        const key = `${kind}:${event.message}:${event.user}:${event.emoji}:${unique}`;
        return [{ channel: event.channel, action, key, exclude: [origins.originOf(note)] }];
      }
      case 'membership': {
        const user: UserId = event.user;
        const { channel, role } = event;
        const out: Fanned[] = [];
        if (role === null || role === 'member') {
          const kind = role === null ? 'leave' : 'join';
          const exclude = [this.userOrigin(user)];
          out.push({ channel, action: { kind, user }, key: `${kind}:${user}:${unique}`, exclude });
        }
        if (role !== null) {
          // A person's own network is authoritative for their role there, as for their joins;
          // the note also covers a role set from a target that is not the person's network.
          const note = origins.originOf({ kind: 'role', channel, user, role });
          out.push({
            channel,
            action: { kind: 'role', user, role },
            key: `role:${user}:${role}:${unique}`,
            exclude: [this.userOrigin(user), note],
            ...(role === 'member' && { withJoin: true as const }),
          });
        }
        return out;
      }
      case 'channel':
        return planTopic(this.ctx, event, unique);
      default:
        return [];
    }
  }

  private planSend(m: MessageView): Fanned {
    const action: PlannedAction = { kind: 'send', message: m.id };
    return {
      channel: m.channel,
      action,
      key: `send:${m.entry}`,
      exclude: [originTarget(m.origin)],
    };
  }

  /** A bridged person's own network target is where their join already happened. */
  private userOrigin(user: UserId): Excluded {
    const origin = this.ctx.node.getUser(user)?.origin;
    return origin ? { network: origin.network, targetKey: '' as TargetKey } : undefined;
  }

  /**
   * A store that is down or drops a statement mid-flight (a PostgreSQL restart) must not lose
   * the event: the enqueue waits for it as long as the outage lasts (runtime/store-wait.ts),
   * in the chain so later events wait behind it. Safe to repeat, as each delivery's idempotency
   * key is fixed. Any other failure is tried a few times; after the last try (or at a stop)
   * the error goes to the caller and the start's catch-up (`catchUp`) plans a message again.
   */
  private async enqueueRetrying(f: Fanned): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.enqueue(f, true);
        return;
      } catch (error) {
        const wait = ENQUEUE_RETRY_MS[attempt];
        // An outage reaches here only when the runtime stops: give up at once then.
        if (wait === undefined || error instanceof StoreUnavailableError) throw error;
        this.ctx.logger.warn({ err: describe(error), key: f.key, wait }, 'fan-out retrying');
        await sleep(wait);
      }
    }
  }

  /**
   * `patient`: each store call waits out an outage (runtime/store-wait.ts) — one by one, so
   * the drops `wanted` counts are counted once. `carry` is not patient: its caller, the
   * backfill gate, keeps its cursor on a failure and reads the message again.
   */
  private async enqueue(f: Fanned, patient = false): Promise<void> {
    const store = <T>(what: string, call: () => Promise<T>): Promise<T> =>
      patient ? untilStored(this.ctx, what, call) : call();
    const links = await store('fan-out links', () => this.ctx.store.links.listByChannel(f.channel));
    const inputs: DeliveryInput[] = links
      .filter((link) => this.wanted(link, f))
      .map((link) => ({
        idempotencyKey: `${f.key}@${link.id}`,
        linkId: link.id,
        network: link.network,
        targetKey: link.targetKey,
        channel: f.channel,
        action: f.action,
      }));
    if (inputs.length > 0) {
      await store('fan-out enqueue', () => this.ctx.store.outbox.enqueue(inputs));
      span('fan.enqueued');
      this.onEnqueued();
    }
    if (f.action.kind === 'send' && links.length > 0) this.moveCursor(f.channel, f.action.message);
  }

  /**
   * The cursor only says where the start's catch-up (`catchUp`) begins, and a message planned
   * again finds its deliveries by their keys: a cursor a little behind costs nothing. So it is
   * written after the turn that woke the worker (the send does not queue behind it in the
   * store, bench/relay-irc.ts), the newest message per channel in one write; `idle()` (the
   * stop) waits for it. A write that fails leaves the cursor behind, which is safe.
   */
  private moveCursor(channel: ChannelId, at: MessageId): void {
    this.cursorsDue.set(channel, at);
    this.cursorWrite ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.writeCursors(),
    );
  }

  private async writeCursors(): Promise<void> {
    while (this.cursorsDue.size > 0) {
      const due = [...this.cursorsDue];
      this.cursorsDue.clear();
      for (const [channel, at] of due) {
        try {
          await untilStored(this.ctx, 'fan-out cursor', () =>
            this.ctx.store.cursors.set(CURSOR_NETWORK, cursorKey(channel), at),
          );
        } catch (error) {
          this.ctx.logger.warn({ err: describe(error), channel }, 'fan-out cursor not written');
        }
      }
      span('fan.cursor');
    }
    // No await between the loop's last look and this: a cursor moved later starts a new write.
    this.cursorWrite = undefined;
  }

  private wanted(link: Link, f: Fanned): boolean {
    for (const ex of f.exclude) {
      if (!ex || ex.network !== link.network) continue;
      // An empty target key excludes the whole network (membership of its own people).
      if (ex.targetKey === '' || ex.targetKey === link.targetKey) return false;
    }
    const slot = this.ctx.adapters.get(link.network);
    const reason = !slot
      ? 'not_configured'
      : canCarry(slot.adapter, f.action.kind)
        ? undefined
        : 'unsupported';
    if (reason === undefined) return true;
    if (reason === 'unsupported' && f.withJoin) return false;
    this.ctx.drops.drop(link.network, f.action.kind, reason, {
      direction: 'outbound',
      targetKey: link.targetKey,
      channel: f.channel,
    });
    return false;
  }
}
