/**
 * The IRC adapter: any number of configured networks behind one `BridgeAdapter`. A link target is
 * `{network: '<configured name>', channel: '#chan'}`; channels are case-insensitive on IRC, so
 * targets are kept lower-cased. Health is the worst of the networks' bot connections.
 */
import type {
  AdapterCapabilities,
  AdapterComponents,
  AdapterHealth,
  DeliveryResult,
  EditAction,
  EditingAdapter,
  LinkTarget,
  MembershipAction,
  MembershipAdapter,
  NetworkName,
  ProfileAdapter,
  ReactingAdapter,
  ReactionAction,
  RoleAction,
  RoleAdapter,
  SendAction,
  SenderDisplay,
  TargetResolvingAdapter,
  TargetSchema,
  TopicAction,
  TopicAdapter,
  TypingAdapter,
  TypingUpdate,
} from '../types.js';
import { DeliveryError } from '../errors.js';
import type { IrcSettings } from './config.js';
import { MessageIds } from './ids.js';
import { IrcNetwork } from './network.js';
import { ircLower } from './nick.js';
import { TEXT_BYTES } from './lines.js';
import type { IrcRole, RoleChange } from './roles.js';
import { ircTarget, ircTargetSchema, networkOf } from './target.js';
import { IrcTopics } from './topic.js';

/** A role change on a network, for `onRoleChange` listeners. */
export interface IrcRoleChange extends RoleChange {
  readonly network: string;
}

export class IrcAdapter
  implements
    EditingAdapter,
    ReactingAdapter,
    MembershipAdapter,
    ProfileAdapter,
    RoleAdapter,
    TargetResolvingAdapter,
    TopicAdapter,
    TypingAdapter
{
  readonly capabilities: AdapterCapabilities;
  /** `{network, channel}`, the network one of those configured (see ./target.ts). */
  readonly targetSchema: TargetSchema;
  private readonly networks = new Map<string, IrcNetwork>();
  /** The bot's TOPIC per network (./topic.ts). */
  private readonly topics = new Map<string, IrcTopics>();
  private readonly roleListeners = new Set<(change: IrcRoleChange) => void>();
  private stopped = false;
  private lastHealth: AdapterHealth = { state: 'connecting' };
  private readonly reportHealth: (health: AdapterHealth) => void;
  private readonly reportDrop: AdapterComponents['reportDrop'];

  constructor(
    readonly name: NetworkName,
    settings: IrcSettings,
    components: AdapterComponents,
  ) {
    this.reportHealth = components.reportHealth;
    this.reportDrop = components.reportDrop;
    const ids = new MessageIds(() => components.clock.now());
    for (const net of settings.networks) {
      const network = new IrcNetwork(net, {
        logger: components.logger,
        // The runtime's emitter goes straight to the translator (no forwarding hop); the router
        // orders events per target in emit order and never rejects.
        emit: components.emit,
        now: () => components.clock.now(),
        ids,
        accounts: () => components.accounts,
        onRoleChange: (change) => {
          for (const listener of this.roleListeners) listener({ ...change, network: net.name });
        },
      });
      network.bot.onState(() => this.healthChanged());
      this.topics.set(net.name, new IrcTopics(network.bot));
      this.networks.set(net.name, network);
    }
    const nets = settings.networks;
    this.targetSchema = ircTargetSchema(nets.map((n) => n.name));
    // The router's bucket is a coarse outer limit; each connection's flood queue is the real one.
    const slowest = Math.max(1, ...nets.map((n) => n.floodDelayMs));
    this.capabilities = {
      markup: 'irc',
      // Parts are cut at TEXT_BYTES (./lines.ts), below the real line room: a true limit.
      maxMessageLength: TEXT_BYTES,
      maxMessageBytes: TEXT_BYTES,
      edits: true,
      deletes: false,
      reactions: nets.some((n) => n.reactions),
      // Each reaction and its removal is a line naming the person.
      reactionsPerPerson: true,
      threads: false,
      replies: true,
      presence: false,
      // Puppets join and part as the person; relay mode only with `membershipNotices` (a line).
      membership: nets.some((n) => n.mode === 'puppet' || n.membershipNotices),
      // Ops go to puppets: a relay-only bridge has no nick per person to op.
      roles: nets.some((n) => n.mode === 'puppet'),
      // The bot's TOPIC: allowed when it is op or the channel is -t; a refusal is permanent.
      topic: true,
      // A puppet's `+typing` TAGMSG, where the server offers message-tags (else counted).
      typing: nets.some((n) => n.mode === 'puppet'),
      attachments: false,
      rateLimit: {
        messagesPerSecond: (Math.max(1, nets.length) * 1000) / slowest,
        burst: Math.max(1, ...nets.map((n) => n.floodBurst)) * Math.max(1, nets.length),
      },
      idempotentSends: false,
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([...this.networks.values()].map((n) => n.start()));
    this.healthChanged();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.networks.values()].map((n) => n.stop()));
    this.healthChanged();
  }

  health(): AdapterHealth {
    if (this.stopped) return { state: 'stopped' };
    const nets = [...this.networks.values()];
    if (nets.length === 0) return { state: 'connected', detail: 'no IRC networks configured' };
    const down = nets.filter((n) => n.bot.connectionState !== 'connected');
    if (down.length === 0) return { state: 'connected' };
    const detail = down
      .map((n) => `${n.settings.name}: ${n.bot.stateDetail ?? n.bot.connectionState}`)
      .join('; ');
    // `failed` (credentials refused) only when nothing else is still trying.
    const state = down.some((n) => n.bot.connectionState === 'reconnecting')
      ? 'reconnecting'
      : down.some((n) => n.bot.connectionState === 'failed')
        ? 'failed'
        : 'connecting';
    return { state, detail };
  }

  /** Op/voice changes (MODE, mapped to roles); also emitted as `role` events. */
  onRoleChange(listener: (change: IrcRoleChange) => void): () => void {
    this.roleListeners.add(listener);
    return () => this.roleListeners.delete(listener);
  }

  /** The role `nick` holds in a channel as far as the bot has seen (NAMES and MODE). */
  roleOf(target: LinkTarget, nick: string): IrcRole {
    return this.resolve(target).network.roles.roleOf(this.resolve(target).channel, nick);
  }

  /** Lower-cases the channel and has the bot join it, so its traffic is heard from now on. */
  async resolveTarget(target: LinkTarget): Promise<LinkTarget> {
    const { network, channel } = this.resolve(target);
    network.watch(channel);
    return { network: network.settings.name, channel };
  }

  async send(action: SendAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    return network.send(channel, action);
  }

  async edit(action: EditAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    return network.edit(channel, action);
  }

  async react(action: ReactionAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    return network.react(channel, action);
  }

  async membership(action: MembershipAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    return network.membership(channel, action);
  }

  /** Puppet mode: a live puppet of the person takes their new nick at once. */
  async updateProfile(sender: SenderDisplay): Promise<void> {
    for (const network of this.networks.values()) network.updateProfile(sender);
  }

  /** MODE +o/-o on the person's puppet; see `IrcNetwork.setRole`. */
  async setRole(action: RoleAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    return network.setRole(channel, action);
  }

  /** TOPIC as the bot; see ./topic.ts. */
  async setTopic(action: TopicAction): Promise<DeliveryResult> {
    const { network, channel } = this.resolve(action.target);
    const topics = this.topics.get(network.settings.name);
    if (!topics) throw new DeliveryError(`no IRC network ${network.settings.name}`);
    return topics.set(channel, action.topic);
  }

  /**
   * Typing from the person's puppet (`IrcNetwork.typing`); where it cannot be carried (relay
   * mode, no open puppet in the channel, no message-tags) it is counted as not carried.
   */
  async setTyping(update: TypingUpdate): Promise<void> {
    const { network, channel } = this.resolve(update.target);
    const why = await network.typing(channel, update.sender, update.active);
    if (why !== undefined) this.reportDrop?.('typing', 'unsupported', why);
  }

  /** @throws UnknownIrcNetworkError / InvalidIrcTargetError (both permanent). */
  private resolve(target: LinkTarget): { network: IrcNetwork; channel: string } {
    const typed = ircTarget(target);
    return { network: networkOf(this.networks, typed), channel: ircLower(typed.channel) };
  }

  private healthChanged(): void {
    const health = this.health();
    if (health.state === this.lastHealth.state && health.detail === this.lastHealth.detail) return;
    this.lastHealth = health;
    this.reportHealth(health);
  }
}
