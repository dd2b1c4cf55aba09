/**
 * The Slack adapter: a bolt app (Socket Mode or the HTTP Events API) for inbound events, a Web
 * API client for outbound actions, and the `/multichat` slash command. Owns its connection and
 * its caches; the router owns ordering, retries, rate limits and the mapping store.
 */
import { webApi } from '@slack/bolt';
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
  InboundEvent,
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
} from '../types.js';
import { linkCommandHandler } from '../link-commands.js';
import { SlackBackfill } from './backfill.js';
import { ThreadParents } from './backfill-parents.js';
import { boltLogger, buildApp, clientOptions, type BuiltApp } from './app.js';
import type { SlackConfig } from './config.js';
import { startFailure } from './start-failure.js';
import { SlackFileReader } from './file-reader.js';
import { SeenEvents } from './ids.js';
import { Inbound, type SelfIds } from './inbound.js';
import { ArrivalOrder } from './order.js';
import { MAX_TEXT, Outbound } from './outbound.js';
import { registerListeners } from './listeners.js';
import { SlashCommand } from './slash.js';
import { resolveChannel } from './targets.js';
import { setSlackTopic } from './topic.js';
import { postMembershipNotice } from './notices.js';
import { slackTargetSchema } from './target.js';
import { Users } from './users.js';

export class SlackAdapter
  implements
    EditingAdapter,
    DeletingAdapter,
    ReactingAdapter,
    TargetResolvingAdapter,
    TopicAdapter,
    MembershipAdapter,
    BackfillAdapter
{
  /** `{channel}`: an id, or a name before resolving (see ./target.ts). */
  readonly targetSchema: TargetSchema = slackTargetSchema;
  readonly capabilities: AdapterCapabilities = {
    markup: 'slack',
    maxMessageLength: MAX_TEXT,
    edits: true,
    deletes: true,
    reactions: true,
    threads: true,
    replies: false,
    presence: false,
    // A bridged person cannot join a Slack channel; with `membershipNotices` the app posts a
    // notice line instead (./notices.ts).
    membership: false,
    // conversations.setTopic (channels:manage / groups:write); cut at 250 characters.
    topic: true,
    attachments: true,
    // chat.postMessage allows about one message per second per channel with short bursts;
    // chat.update/delete and reactions.* are Tier 3 (50+/min). A 429 still pauses us (Retry-After).
    // The constructor puts `rateLimit` of the config here (the same by default).
    rateLimit: { messagesPerSecond: 1, burst: 4 },
    idempotentSends: false,
  };
  private state: AdapterHealth = { state: 'stopped' };
  private readonly logger;
  private readonly web: webApi.WebClient;
  private self: SelfIds = { botId: '', botUserId: '' };
  private built: BuiltApp | undefined;
  private readonly users: Users;
  private readonly inbound: Inbound;
  private readonly outbound: Outbound;
  private readonly slash: SlashCommand;
  private readonly seen = new SeenEvents();
  /** Events are handled one at a time, in arrival order, after bolt acknowledged them. */
  private readonly order: ArrivalOrder;
  readonly backfillLimits: BackfillLimits;
  /** History for live backfill (./backfill.ts). */
  private readonly history: SlackBackfill;

  constructor(
    readonly name: NetworkName,
    private readonly config: SlackConfig,
    private readonly components: AdapterComponents,
  ) {
    this.logger = boltLogger(components.logger);
    // Creating the client does no I/O.
    this.web = new webApi.WebClient(config.botToken, clientOptions(config, this.logger));
    this.users = new Users(() => this.web, components.logger);
    // Thread parents with replies seen live, for the backfill of replies to old threads.
    const parents = new ThreadParents(components.memos, components.logger);
    const inboundDeps = {
      emit: async (event: InboundEvent) => {
        await parents.noteEvent(event);
        await components.emit(event);
      },
      users: this.users,
      files: new SlackFileReader({
        botToken: config.botToken,
        apiUrl: config.apiUrl,
        fetch: config.media,
      }),
      self: () => this.self,
      logger: components.logger,
      ...(components.reportDrop && { reportDrop: components.reportDrop }),
    };
    this.inbound = new Inbound(inboundDeps);
    this.backfillLimits = config.backfill;
    this.history = new SlackBackfill({
      web: () => this.web,
      inbound: (emit) => new Inbound({ ...inboundDeps, emit }),
      parents,
    });
    this.outbound = new Outbound({
      web: () => this.web,
      config,
      logger: components.logger,
      ...(components.memos && { memos: components.memos }),
    });
    this.capabilities = {
      ...this.capabilities,
      membership: config.membershipNotices,
      rateLimit: config.rateLimit,
    };
    this.slash = new SlashCommand(this.users, components.logger);
    // `/multichat link|unlink|links` manage links through the runtime's injected link control.
    this.slash.handler = components.links && linkCommandHandler(components.links, name);
    // `/multichat link [CODE]` links accounts through the runtime's injected control.
    this.slash.accounts = components.accounts;
    this.order = new ArrivalOrder((error) => {
      components.logger.warn({ err: String(error) }, 'slack: event not handled');
    });
  }

  async start(): Promise<void> {
    if (this.built) return;
    this.setHealth({ state: 'connecting' });
    try {
      const auth = await this.web.auth.test();
      this.self = { botId: auth.bot_id ?? '', botUserId: auth.user_id ?? '' };
    } catch (error) {
      // failed only when Slack refused the token; anything else the supervisor retries.
      const failure = startFailure(error, 'auth.test');
      this.setHealth({
        state: failure.refused ? 'failed' : 'reconnecting',
        detail: failure.detail,
      });
      return;
    }
    const built = buildApp(this.config, this.self, this.logger, () => this.order.stamp());
    this.built = built;
    registerListeners(built.app, {
      inbound: this.inbound,
      order: this.order,
      seen: this.seen,
      slash: this.slash,
      slashCommand: this.config.slashCommand,
      logger: this.components.logger,
    });
    this.watchSocket(built);
    const started =
      this.config.mode === 'socket'
        ? built.app.start()
        : built.app.start({ port: this.config.listen.port, host: this.config.listen.host });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.config.startTimeoutMs);
    });
    try {
      const outcome = await Promise.race([started.then(() => 'started' as const), timeout]);
      if (outcome === 'started') this.setHealth({ state: 'connected' });
      // Socket Mode keeps retrying apps.connections.open in the background.
      else
        this.setHealth({
          state: 'reconnecting',
          detail: `not connected after ${this.config.startTimeoutMs} ms`,
        });
    } catch (error) {
      // Start from scratch on the next start() (the gateway may retry).
      this.built = undefined;
      await built.app.stop().catch(() => undefined);
      const failure = startFailure(error, 'start');
      this.setHealth({
        state: failure.refused ? 'failed' : 'reconnecting',
        detail: failure.detail,
      });
    } finally {
      clearTimeout(timer);
    }
    started.catch(() => undefined);
  }

  async stop(): Promise<void> {
    const built = this.built;
    this.built = undefined;
    if (built) await built.app.stop().catch(() => undefined);
    this.order.stop();
    await this.order.idle();
    if (this.state.state !== 'stopped') this.setHealth({ state: 'stopped' });
  }

  health(): AdapterHealth {
    return this.state;
  }

  send(action: SendAction): Promise<DeliveryResult> {
    return this.outbound.send(action);
  }

  edit(action: EditAction): Promise<DeliveryResult> {
    return this.outbound.edit(action);
  }

  delete(action: DeleteAction): Promise<DeliveryResult> {
    return this.outbound.delete(action);
  }

  react(action: ReactionAction): Promise<DeliveryResult> {
    return this.outbound.react(action);
  }

  /** `membershipNotices`: a notice line ("_alice_ joined"); see ./notices.ts. */
  membership(action: MembershipAction): Promise<DeliveryResult> {
    return postMembershipNotice(this.web, action);
  }

  setTopic(action: TopicAction): Promise<DeliveryResult> {
    return setSlackTopic(this.web, action);
  }

  backfill(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    return this.history.page(target, cursor, limit, since);
  }

  /** `{channel: 'C…'}` or `{channel: '#name'}` → `{channel: 'C…'}`; the bot joins if it can. */
  resolveTarget(target: LinkTarget): Promise<LinkTarget> {
    return resolveChannel(this.web, target);
  }

  private watchSocket(built: BuiltApp): void {
    const socket = built.socket;
    if (!socket) return;
    socket.on('connected', () => {
      if (this.state.state !== 'connecting') this.setHealth({ state: 'connected' });
    });
    socket.on('reconnecting', () => this.setHealth({ state: 'reconnecting' }));
    socket.on('disconnected', () => {
      if (this.built === built) this.setHealth({ state: 'reconnecting', detail: 'socket closed' });
    });
  }

  private setHealth(health: AdapterHealth): void {
    if (this.state.state === health.state && this.state.detail === health.detail) return;
    this.state = health;
    this.components.reportHealth(health);
  }
}
