/**
 * The Discord adapter: a discord.js bot connection (lifecycle and health), raw gateway dispatches
 * routed to `Inbound`, outbound actions to `Outbound`, and the `/multichat` slash command.
 * Owns its connection and its webhooks; the router owns everything else.
 */
import {
  Events,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIUser,
  type Client,
  type GatewayDispatchPayload,
} from 'discord.js';
import type {
  AdapterCapabilities,
  AdapterComponents,
  AdapterHealth,
  BackfillAdapter,
  BackfillLimits,
  BackfillPage,
  DeleteAction,
  DeletingAdapter,
  DeliveryResult,
  EditAction,
  EditingAdapter,
  ExternalUserId,
  LinkTarget,
  MembershipAction,
  MembershipAdapter,
  NetworkName,
  ReactingAdapter,
  ReactionAction,
  SendAction,
  TargetResolvingAdapter,
  TargetSchema,
  TopicAction,
  TopicAdapter,
  TypingAdapter,
  TypingUpdate,
} from '../types.js';
import { DiscordBackfill } from './backfill.js';
import { withParents } from './backfill-threads.js';
import {
  customEmoji,
  FORUM_TYPES,
  guildOf,
  inboundCache,
  TEXT_TYPES,
  textChannelsOf,
} from './cache.js';
import { createClient } from './client.js';
import type { DiscordConfig } from './config.js';
import { DiscordTargetError } from './errors.js';
import { DiscordEphemeral } from './ephemeral.js';
import { FileNotes } from './file-notes.js';
import { Inbound } from './inbound.js';
import { InboundBacklog } from './inbound-backlog.js';
import { DropCause } from './drop-cause.js';
import { OwnDeletes } from './own-deletes.js';
import { discordCapabilities } from './capabilities.js';
import { Modify } from './modify.js';
import { appendParts } from './parts.js';
import { Outbound } from './outbound.js';
import { MemberRoles } from './roles.js';
import { toDeliveryError } from './rate-limit.js';
import { linkCommandHandler } from '../link-commands.js';
import { UrlFetcher } from '../net/index.js';
import { SlashCommand } from './slash.js';
import { Webhooks } from './webhooks.js';
import { discordTarget, discordTargetSchema } from './target.js';
import { DiscordTopics } from './topic.js';
import { postMembershipNotice } from './notices.js';
import { probeGateway, startFailure } from './start.js';

export class DiscordAdapter
  implements
    EditingAdapter,
    DeletingAdapter,
    ReactingAdapter,
    TargetResolvingAdapter,
    TopicAdapter,
    TypingAdapter,
    MembershipAdapter,
    BackfillAdapter
{
  readonly capabilities: AdapterCapabilities;
  /** `{channel, thread?}` snowflakes (see ./target.ts). */
  readonly targetSchema: TargetSchema = discordTargetSchema;
  readonly client: Client;
  private state: AdapterHealth = { state: 'stopped' };
  private readonly webhooks: Webhooks;
  private readonly inbound: Inbound;
  private readonly outbound: Outbound;
  private readonly modify: Modify;
  private readonly slash: SlashCommand;
  /** Typing and presence (./ephemeral.ts). */
  private readonly ephemeral: DiscordEphemeral;
  private readonly topics: DiscordTopics;
  /** `channel/thread` pairs that are link targets themselves. */
  private readonly threadTargets = new Set<string>();
  /** Mapped Discord roles last seen per member, to report only changes. */
  private readonly memberRoles: MemberRoles;
  /** Gateway events are handled one at a time, in gateway order. */
  private chain: Promise<void> = Promise.resolve();
  /** Bounds what waits in `chain` and in the runtime (./inbound-backlog.ts). */
  private readonly backlog: InboundBacklog;
  /** Why the gateway connection last closed (./drop-cause.ts). */
  private readonly dropCause = new DropCause();
  readonly backfillLimits: BackfillLimits;
  /** History pages for live backfill and import (./backfill.ts). */
  private readonly history: DiscordBackfill;

  constructor(
    readonly name: NetworkName,
    private readonly config: DiscordConfig,
    private readonly components: AdapterComponents,
  ) {
    this.client = createClient(config);
    const rest = this.client.rest;
    this.capabilities = discordCapabilities(config);
    this.memberRoles = new MemberRoles(config.roles);
    this.webhooks = new Webhooks(rest, config.useWebhooks, config.webhookName, () => ({
      applicationId: this.client.application?.id ?? '',
      botId: this.client.user?.id ?? '',
    }));
    const client = this.client;
    const files = new FileNotes();
    const ownDeletes = new OwnDeletes();
    this.backlog = new InboundBacklog({
      limit: config.maxInboundBacklog,
      logger: components.logger,
      catchUp: () => this.catchUp(),
      ...(components.reportDrop && { reportDrop: components.reportDrop }),
    });
    const inboundDeps = {
      emit: this.backlog.emitter(components.emit),
      webhooks: this.webhooks,
      config,
      logger: components.logger,
      cache: inboundCache(client, this.threadTargets),
      media: { fetcher: new UrlFetcher(config.media), cdnUrl: config.cdnUrl },
      ownDeletes,
      ...(components.reportDrop && { reportDrop: components.reportDrop }),
      ...(components.memos && { memos: components.memos }),
    };
    this.inbound = new Inbound(inboundDeps);
    this.backfillLimits = config.backfill;
    this.history = new DiscordBackfill({
      rest,
      inbound: (emit, parents) =>
        new Inbound({ ...inboundDeps, emit, cache: withParents(inboundDeps.cache, parents) }),
      logger: components.logger,
      ...(components.reportDrop && { reportDrop: components.reportDrop }),
      guildOf: (id) => {
        const channel = client.channels.cache.get(id);
        return channel && 'guildId' in channel ? (channel.guildId ?? undefined) : undefined;
      },
    });
    this.topics = new DiscordTopics({
      rest,
      emit: components.emit,
      bot: () => {
        const user = client.user;
        return user
          ? { externalId: user.id as ExternalUserId, displayName: user.username }
          : undefined;
      },
      cached: (id) => {
        const channel = client.channels.cache.get(id);
        return channel && 'topic' in channel ? (channel.topic ?? '') : undefined;
      },
    });
    this.ephemeral = new DiscordEphemeral({
      rest,
      cache: inboundCache(client, this.threadTargets),
      emit: components.emit,
      ...(components.reportDrop && { reportDrop: components.reportDrop }),
      targetOf: (id) => this.inbound.where(id).target,
      senderOf: (user, nick) => this.inbound.sender(user, nick),
      now: () => components.clock.now(),
    });
    this.outbound = new Outbound({
      rest,
      webhooks: this.webhooks,
      logger: components.logger,
      maxAttachmentBytes: config.maxAttachmentBytes,
      files,
      guildOf: (id) => guildOf(client, id),
      isForum: (id) => inboundCache(client, this.threadTargets).isForum?.(id) === true,
    });
    this.modify = new Modify({
      rest,
      webhooks: this.webhooks,
      files,
      ownDeletes,
      customEmoji: (id, name) => customEmoji(client, id, name),
      guildOf: (id) => guildOf(client, id),
      append: (action, texts) => appendParts((a) => this.outbound.send(a), action, texts),
      ...(components.memos && { memos: components.memos }),
      logger: components.logger,
    });
    this.slash = new SlashCommand(rest, components.logger, (id) => this.targetOfChannel(id));
    // `/multichat link|unlink|links` manage links through the runtime's injected link control.
    this.slash.handler = components.links && linkCommandHandler(components.links, name);
    // `/multichat link [code:]` links accounts through the runtime's injected control.
    this.slash.accounts = components.accounts;
    this.slash.cdnUrl = config.cdnUrl;
    this.listen();
  }

  async start(): Promise<void> {
    this.setHealth({ state: 'connecting' });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no READY within ${this.config.readyTimeoutMs} ms`)),
        this.config.readyTimeoutMs,
      );
      this.client.once(Events.ClientReady, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      // Asked first so an unreachable API is named as such (./start.ts).
      await probeGateway(this.client.rest, this.config.token);
      await this.client.login(this.config.token);
      await ready;
      this.setHealth({ state: 'connected' });
    } catch (error) {
      ready.catch(() => undefined);
      // Leaves the client as new, so the supervisor's next start() logs in again.
      await this.client.destroy().catch(() => undefined);
      // destroy() forgets the token; REST calls meanwhile (sends, link checks) then fail with
      // the network's own error, which the outbox retries, instead of "Expected token".
      this.client.rest.setToken(this.config.token);
      const failure = startFailure(error);
      this.setHealth({
        state: failure.refused ? 'failed' : 'reconnecting',
        detail: failure.detail,
      });
    }
  }

  async stop(): Promise<void> {
    if (this.state.state === 'stopped') return;
    await this.client.destroy();
    await this.chain;
    this.setHealth({ state: 'stopped' });
  }

  health(): AdapterHealth {
    return this.state;
  }

  send(action: SendAction): Promise<DeliveryResult> {
    this.noteTarget(action.target);
    return this.outbound.send(action);
  }

  edit(action: EditAction): Promise<DeliveryResult> {
    return this.modify.edit(action);
  }

  delete(action: DeleteAction): Promise<DeliveryResult> {
    return this.modify.delete(action);
  }

  react(action: ReactionAction): Promise<DeliveryResult> {
    return this.modify.react(action);
  }

  backfill(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    return this.history.page(target, cursor, limit, since);
  }

  /** `membershipNotices`: a notice line by the bot ("*alice* joined"); see ./notices.ts. */
  membership(action: MembershipAction): Promise<DeliveryResult> {
    return postMembershipNotice(this.client.rest, action);
  }

  /** PATCH the channel's topic (Manage Channels); see ./topic.ts. */
  setTopic(action: TopicAction): Promise<DeliveryResult> {
    return this.topics.set(action);
  }

  /** Degraded: shows the bot typing (Discord has no way to show another person typing). */
  setTyping(update: TypingUpdate): Promise<void> {
    return this.ephemeral.setTyping(update);
  }

  /** `{channel}` of a text channel, `{channel: parent, thread}` of a thread; refuses others. */
  async resolveTarget(target: LinkTarget): Promise<LinkTarget> {
    const typed = discordTarget(target);
    const id = typed.thread ?? typed.channel;
    let channel;
    try {
      channel = await this.client.channels.fetch(id);
    } catch (error) {
      const failure = toDeliveryError(error);
      throw failure.permanent
        ? new DiscordTargetError(`Discord channel ${id} not found or not visible to the bot`, error)
        : failure;
    }
    if (channel?.isThread() && channel.parentId) {
      const resolved = { channel: channel.parentId, thread: channel.id };
      this.noteTarget(resolved);
      return resolved;
    }
    if (!channel || !(TEXT_TYPES.has(channel.type) || FORUM_TYPES.has(channel.type)))
      throw new DiscordTargetError(`Discord channel ${id} is not a text or forum channel`);
    return { channel: channel.id };
  }

  private listen(): void {
    const c = this.client;
    c.on(Events.Raw, (packet: GatewayDispatchPayload) => {
      // Over the bound the event is counted as dropped here, before any work is spent on it.
      if (!this.backlog.admit(packet.t)) return;
      if (packet.t === 'CHANNEL_UPDATE') this.topics.prime(packet.d.id);
      const run = this.chain.then(() => this.dispatch(packet));
      this.chain = this.backlog
        .track(() => run)
        .catch((error: unknown) => {
          this.components.logger.warn(
            { err: String(error), t: packet.t },
            'discord: event not handled',
          );
        });
    });
    c.on(Events.ClientReady, (client) => {
      if (!this.config.slashCommand) return;
      for (const guild of client.guilds.cache.values())
        void this.slash.register(client.application.id, guild.id);
    });
    c.on(Events.ShardDisconnect, () =>
      this.setHealth({ state: 'reconnecting', detail: 'gateway disconnected' }),
    );
    c.on(Events.Debug, (line) => this.dropCause.debug(line));
    c.on(Events.ShardReconnecting, () => {
      const cause = this.dropCause.take();
      if (cause) this.components.logger.warn({ cause }, 'discord: gateway connection lost');
      this.setHealth({ state: 'reconnecting', ...(cause && { detail: cause }) });
    });
    c.on(Events.ShardResume, () => this.setHealth({ state: 'connected' }));
    c.on(Events.ShardReady, () => {
      if (this.state.state !== 'connecting') this.setHealth({ state: 'connected' });
    });
    c.on(Events.Invalidated, () =>
      this.setHealth({ state: 'failed', detail: 'session invalidated' }),
    );
    c.on(Events.Error, (error) =>
      this.components.logger.warn({ err: error.message }, 'discord: client error'),
    );
  }

  private async dispatch(packet: GatewayDispatchPayload): Promise<void> {
    switch (packet.t) {
      case 'MESSAGE_CREATE':
        return this.inbound.messageCreate(packet.d);
      case 'MESSAGE_UPDATE':
        return this.inbound.messageUpdate(packet.d);
      case 'MESSAGE_DELETE':
        return this.inbound.messageDelete(packet.d);
      case 'MESSAGE_DELETE_BULK':
        return this.inbound.messageDeleteBulk(packet.d);
      case 'MESSAGE_REACTION_ADD':
        return this.inbound.reaction(packet.d, true);
      case 'MESSAGE_REACTION_REMOVE':
        return this.inbound.reaction(packet.d, false);
      case 'GUILD_MEMBER_ADD':
        return this.member(packet.d.guild_id, packet.d, true);
      case 'GUILD_MEMBER_UPDATE':
        this.inbound.profile(packet.d.user, packet.d.nick);
        return this.roleUpdate(packet.d.guild_id, packet.d.user, packet.d.roles, packet.d.nick);
      case 'GUILD_MEMBER_REMOVE':
        return this.member(packet.d.guild_id, { user: packet.d.user }, false);
      case 'CHANNEL_UPDATE':
        return this.topics.channelUpdate(packet.d);
      case 'TYPING_START':
        return this.ephemeral.typingStart(packet.d);
      case 'PRESENCE_UPDATE':
        return this.ephemeral.presenceUpdate(packet.d);
      case 'GUILD_CREATE':
        // A guild joined (or back from an outage) after READY: (re-)register the command there.
        if (this.config.slashCommand && this.client.isReady()) {
          return this.slash.register(this.client.application.id, packet.d.id);
        }
        return;
      case 'INTERACTION_CREATE':
        if (packet.d.type === 2 && packet.d.data.type === 1) {
          return this.slash.handle(packet.d as APIChatInputApplicationCommandInteraction);
        }
        return;
      default:
        return;
    }
  }

  /**
   * A member's Discord roles through `bridges.discord.roles` → a `role` event in every text
   * channel of the guild (the router keeps the linked ones). Needs `memberEvents` (the
   * GUILD_MEMBERS intent), without which Discord sends no member updates.
   */
  private roleUpdate(
    guildId: string,
    user: APIUser,
    roleIds: readonly string[],
    nick?: string | null,
  ): void {
    const guildRoles = this.client.guilds.cache.get(guildId)?.roles.cache;
    const roles = roleIds.map((id) => ({ id, name: guildRoles?.get(id)?.name ?? id }));
    const role = this.memberRoles.update(guildId, user.id, roles);
    if (role) this.inbound.role(user, textChannelsOf(this.client, guildId), role, nick);
  }

  private member(
    guildId: string,
    member: Pick<APIGuildMember, 'nick'> & { user?: APIUser },
    joined: boolean,
  ): void {
    if (!member.user) return;
    this.inbound.membership(member.user, textChannelsOf(this.client, guildId), joined, member.nick);
  }

  /**
   * After an overflow: the runtime's backfill reads every linked channel again from its cursor
   * (which no shed message was passed by), as after a reconnect. A real reconnect under way
   * backfills when it connects, so nothing is asked then.
   */
  private catchUp(): void {
    if (this.state.state !== 'connected') return;
    this.setHealth({ state: 'reconnecting', detail: 'inbound backlog overflowed; reading back' });
    this.setHealth({ state: 'connected' });
  }

  private targetOfChannel(id: string): LinkTarget {
    const channel = this.client.channels.cache.get(id);
    return channel?.isThread() && channel.parentId
      ? { channel: channel.parentId, thread: id }
      : { channel: id };
  }

  /** Remembers thread targets; a malformed one is left to `send` to refuse. */
  private noteTarget(target: LinkTarget): void {
    const parsed = discordTargetSchema.safeParse(target);
    if (parsed.success && parsed.data.thread !== undefined)
      this.threadTargets.add(`${parsed.data.channel}/${parsed.data.thread}`);
  }

  private setHealth(health: AdapterHealth): void {
    this.state = health;
    this.components.reportHealth(health);
  }
}
