/**
 * Typing and presence on Discord, neither of which is stored anywhere.
 * - In: TYPING_START (GUILD_MESSAGE_TYPING intent) → a `typing` event with `active: true`
 *   (Discord never says "stopped": the receiver lets it expire); PRESENCE_UPDATE (the privileged
 *   GUILD_PRESENCES intent, `presenceEvents`) → a `presence` event when a member's status or
 *   custom status text changed (Discord repeats it per guild and per activity change).
 * - Out: Discord has no API to show another person typing, only "Trigger Typing Indicator" as
 *   the bot, so a bridged person typing shows the bot typing for ~10 s (at most once per 8 s per
 *   channel; a stop is not sent, Discord ends it itself or when the message arrives).
 */
import { Routes, type GatewayPresenceUpdateDispatchData } from 'discord.js';
import type { GatewayTypingStartDispatchData, REST } from 'discord.js';
import type {
  AdapterComponents,
  ExternalSender,
  ExternalUserId,
  LinkTarget,
  PresenceStatus,
  TypingUpdate,
} from '../types.js';
import type { InboundCache } from './inbound.js';
import { toDeliveryError } from './rate-limit.js';
import { discordTarget } from './target.js';

/** What a Discord status is in Multichat; `dnd` is away, saying so unless a custom text is set. */
const STATUS: Readonly<Record<string, PresenceStatus>> = {
  online: 'online',
  idle: 'away',
  dnd: 'away',
  offline: 'offline',
  invisible: 'offline',
};
/** Activity type 4: a custom status, whose `state` is the person's own text. */
const CUSTOM_STATUS = 4;
/** Discord shows the bot typing for about 10 s; refreshing a little earlier keeps it steady. */
const TYPING_REFRESH_MS = 8_000;

export interface EphemeralDeps {
  readonly rest: REST;
  readonly cache: InboundCache;
  readonly emit: AdapterComponents['emit'];
  readonly reportDrop?: AdapterComponents['reportDrop'];
  /** The target an event in this channel (or thread) belongs to (Inbound's). */
  targetOf(channelId: string): LinkTarget;
  /** The sender an inbound event names (Inbound's: nick, global name, avatar). */
  senderOf(user: { id: string; username: string }, nick?: string | null): ExternalSender;
  readonly now: () => number;
}

export class DiscordEphemeral {
  /** Last status/text emitted per user id, so repeats are not re-emitted. */
  private readonly presences = new Map<string, string>();
  /** When the bot was last shown typing, per channel or thread id. */
  private readonly typingSent = new Map<string, number>();

  constructor(private readonly deps: EphemeralDeps) {}

  typingStart(d: GatewayTypingStartDispatchData): void {
    const user = d.member?.user ?? this.deps.cache.user(d.user_id);
    const sender = user
      ? this.deps.senderOf(user, d.member?.nick)
      : { externalId: d.user_id as ExternalUserId, displayName: d.user_id };
    const self = d.user_id === this.deps.cache.botId();
    void this.deps.emit({
      kind: 'typing',
      target: this.deps.targetOf(d.channel_id),
      sender,
      active: true,
      ...(self && { self }),
    });
  }

  presenceUpdate(d: GatewayPresenceUpdateDispatchData): void {
    const partial = d.user as { id: string; username?: string; bot?: boolean };
    const known = this.deps.cache.user(partial.id);
    const username = partial.username ?? known?.username;
    if (partial.bot === true || known?.bot === true || partial.id === this.deps.cache.botId())
      return;
    const status = STATUS[String(d.status)];
    if (!status || username === undefined) {
      // A user the bot has no name for would become a nameless profile: not carried.
      this.deps.reportDrop?.('presence', status ? 'unknown_user' : 'unsupported');
      return;
    }
    const custom = d.activities?.find((a) => a.type === CUSTOM_STATUS)?.state ?? undefined;
    const text = custom ?? (d.status === 'dnd' ? 'do not disturb' : undefined);
    const key = `${status}\u0000${text ?? ''}`;
    if (this.presences.get(partial.id) === key) return;
    this.presences.set(partial.id, key);
    const sender = this.deps.senderOf({ ...known, ...partial, username });
    void this.deps.emit({
      kind: 'presence',
      sender,
      status,
      ...(text !== undefined && { text }),
    });
  }

  /** Shows the bot typing in the target (the only typing Discord lets a bot show). */
  async setTyping(update: TypingUpdate): Promise<void> {
    if (!update.active) return;
    const target = discordTarget(update.target);
    const id = target.thread ?? target.channel;
    const last = this.typingSent.get(id);
    const now = this.deps.now();
    if (last !== undefined && now - last < TYPING_REFRESH_MS) return;
    this.typingSent.set(id, now);
    try {
      await this.deps.rest.post(Routes.channelTyping(id));
    } catch (error) {
      this.typingSent.delete(id);
      throw toDeliveryError(error);
    }
  }
}
