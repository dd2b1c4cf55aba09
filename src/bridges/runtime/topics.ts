/**
 * Channel topics across the bridge, loop-safe. Inbound, a network's topic change becomes the
 * core's `setTopic` (runtime/inbound-topic.ts); outbound, a core channel event whose topic
 * differs from the one known before becomes a `topic` delivery to every linked target except
 * the one it came from and any target already known to show that topic.
 *
 * Echo suppression compares with what we set: the topic the gateway last sent to a target is
 * remembered, and the same topic reported back by that target is its echo, not a change. The
 * memory lives as long as the runtime (a restart forgets it; an echo then arrives as the
 * topic the core already has, which changes nothing).
 */
import type { ChannelId, NodeEventOf } from '../../core/types.js';
import type { Link, TargetKey } from '../../mapping/types.js';
import type { SenderDisplay, TopicAction } from '../types.js';
import type { RuntimeContext } from './context.js';
import { GATEWAY_ORIGIN } from './links.js';
import type { PlannedAction } from './plan.js';

type Where = { readonly network: string; readonly targetKey: TargetKey };

/** Echoes awaited per target; older ones are forgotten (a network that never echoes). */
const MAX_PENDING = 8;

const at = (network: string, targetKey: TargetKey) => `${network}\u0000${targetKey}`;

/** What the runtime knows of topics: per channel in the core, per target on the networks. */
export class TopicMemory {
  private readonly channels = new Map<ChannelId, string>();
  /**
   * Topics the gateway set at a target whose echo has not come back yet, oldest first (a late
   * echo of an older one must not undo a newer change); bounded.
   */
  private readonly sent = new Map<string, string[]>();
  /** Topic a target last reported or was set to: a delivery of the same one is not needed. */
  private readonly shown = new Map<string, Where & { readonly topic: string }>();

  /** Takes the current topics of the node's channels (before listening to changes). */
  snapshot(channels: readonly { id: ChannelId; topic?: string }[]): void {
    for (const c of channels) this.channels.set(c.id, c.topic ?? '');
  }

  /** Records the channel's topic; returns the one before when it changed, else undefined. */
  channelChanged(channel: ChannelId, topic: string): string | undefined {
    const before = this.channels.get(channel);
    this.channels.set(channel, topic);
    return before !== undefined && before !== topic ? before : undefined;
  }

  /** The gateway is about to set `topic` at the target. */
  noteSent(where: Where, topic: string): void {
    const key = at(where.network, where.targetKey);
    const pending = [...(this.sent.get(key) ?? []), topic].slice(-MAX_PENDING);
    this.sent.set(key, pending);
    this.shown.set(at(where.network, where.targetKey), { ...where, topic });
  }

  /** A target reported `topic`: true when it is the echo of the gateway's own change. */
  reported(where: Where, topic: string): boolean {
    const key = at(where.network, where.targetKey);
    this.shown.set(key, { ...where, topic });
    const pending = this.sent.get(key) ?? [];
    const index = pending.indexOf(topic);
    // A network reports one target's changes in order: an echo settles it and every older one
    // still awaited (their echoes will not come: a network that never echoes, like Matrix for
    // its own bot); a change that is not ours settles them all, so a later change back to a
    // topic we once set is a person's again.
    this.sent.delete(key);
    if (index < 0) return false;
    const newer = pending.slice(index + 1);
    if (newer.length > 0) this.sent.set(key, newer);
    return true;
  }

  /** Targets known to show `topic` already. */
  showing(topic: string): Where[] {
    return [...this.shown.values()].filter((w) => w.topic === topic);
  }
}

const memories = new WeakMap<RuntimeContext, TopicMemory>();

/** The runtime's topic memory (one per runtime context, made on first use). */
export function topicMemory(ctx: RuntimeContext): TopicMemory {
  let memory = memories.get(ctx);
  if (!memory) {
    memory = new TopicMemory();
    memories.set(ctx, memory);
  }
  return memory;
}

/** Call before the fan-out listens to channel events, so the first change has a "before". */
export function watchTopics(ctx: RuntimeContext): void {
  topicMemory(ctx).snapshot(ctx.node.listChannels());
}

export interface PlannedTopic {
  readonly channel: ChannelId;
  readonly action: PlannedAction;
  readonly key: string;
  readonly exclude: readonly (Where | undefined)[];
}

/** A core channel event → a topic delivery when its topic changed (runtime/fanout.ts). */
export function planTopic(
  ctx: RuntimeContext,
  event: NodeEventOf<'channel'>,
  unique: string,
): PlannedTopic[] {
  const channel = event.channel.id;
  const topic = event.channel.topic ?? '';
  if (topicMemory(ctx).channelChanged(channel, topic) === undefined) return [];
  const origin = ctx.origins.originOf({ kind: 'topic', channel, topic });
  return [
    {
      channel,
      action: { kind: 'topic', topic },
      key: `topic:${channel}:${unique}`,
      exclude: [origin, ...topicMemory(ctx).showing(topic)],
    },
  ];
}

/** The adapter's action for a stored topic delivery, sent as the gateway's own profile. */
export async function topicAction(
  ctx: RuntimeContext,
  link: Link,
  base: Pick<TopicAction, 'target' | 'targetKey' | 'idempotencyKey'>,
  topic: string,
): Promise<{ readonly action: TopicAction }> {
  const gateway = await ctx.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
  const sender: SenderDisplay = { id: gateway.id, name: gateway.username };
  topicMemory(ctx).noteSent({ network: link.network, targetKey: link.targetKey }, topic);
  return { action: { ...base, kind: 'topic', sender, topic } };
}
