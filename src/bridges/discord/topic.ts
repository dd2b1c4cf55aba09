/**
 * Channel topics on Discord. Out: PATCH /channels/{id} with `topic` (the bot needs Manage
 * Channels there; Discord's 403 is a permanent failure the runtime logs and counts), cut to
 * Discord's 1024 characters with an ellipsis. A thread has no topic of its own: a topic for a
 * thread target is refused (permanent) rather than put on the parent channel.
 * In: CHANNEL_UPDATE carries the whole channel, so a topic event is emitted only when the topic
 * differs from the one last seen for that channel. The starting point is discord.js's cache,
 * read by `prime` when the raw packet arrives (discord.js updates its cache right after).
 * Discord does not say who changed it (that is only in the audit log): the event names the
 * bot's own user as the sender, and the router treats the change as the gateway's (docs).
 */
import { Routes, type REST } from 'discord.js';
import { DeliveryError } from '../errors.js';
import type { AdapterComponents, DeliveryResult, ExternalSender, TopicAction } from '../types.js';
import { toDeliveryError } from './rate-limit.js';
import { discordTarget } from './target.js';

/** Discord's documented limit for a text channel's topic. */
export const MAX_TOPIC = 1024;

export interface TopicDeps {
  readonly rest: REST;
  readonly emit: AdapterComponents['emit'];
  /** The bot's user, named as the changer (Discord does not say who it was). */
  readonly bot: () => ExternalSender | undefined;
  /** The topic the client's cache holds for a channel (the starting point). */
  readonly cached: (channelId: string) => string | undefined;
}

export function discordTopic(topic: string): string {
  const chars = [...topic];
  return chars.length <= MAX_TOPIC ? topic : `${chars.slice(0, MAX_TOPIC - 1).join('')}…`;
}

export class DiscordTopics {
  /** Channel id → topic last seen ('' for none). */
  private readonly seen = new Map<string, string>();

  constructor(private readonly deps: TopicDeps) {}

  /** @throws DeliveryError (permanent for a thread target or a refusal). */
  async set(action: TopicAction): Promise<DeliveryResult> {
    const target = discordTarget(action.target);
    if (target.thread !== undefined) {
      throw new DeliveryError('a Discord thread has no topic', { permanent: true });
    }
    const topic = discordTopic(action.topic);
    try {
      await this.deps.rest.patch(Routes.channel(target.channel), { body: { topic } });
    } catch (error) {
      throw toDeliveryError(error);
    }
    return { externalIds: [] };
  }

  /** Call synchronously on the raw CHANNEL_UPDATE, before discord.js updates its cache. */
  prime(channelId: string): void {
    if (this.seen.has(channelId)) return;
    const cached = this.deps.cached(channelId);
    if (cached !== undefined) this.seen.set(channelId, cached);
  }

  /** A CHANNEL_UPDATE: emits `topic` when the channel's topic changed. */
  async channelUpdate(channel: {
    readonly id: string;
    readonly topic?: string | null;
    readonly type: number;
  }): Promise<void> {
    const topic = channel.topic ?? '';
    const before = this.seen.get(channel.id);
    this.seen.set(channel.id, topic);
    if (before === topic) return;
    const sender = this.deps.bot();
    if (!sender) return;
    await this.deps.emit({ kind: 'topic', target: { channel: channel.id }, sender, topic });
  }
}
