/**
 * One configured IRC network: the bot connection (which listens in every linked channel and, in
 * relay mode, speaks for everyone), the inbound translation of what it hears, and, in puppet
 * mode, the pool of per-person connections. Outbound actions arrive here already resolved to
 * this network.
 */
import type {
  AccountLinkControl,
  AdapterComponents,
  AdapterLogger,
  DeliveryResult,
  EditAction,
  ExternalSender,
  ExternalUserId,
  MembershipAction,
  ReactionAction,
  RoleAction,
  SendAction,
  SenderDisplay,
} from '../types.js';
import type { IrcNetworkSettings } from './config.js';
import { DeliveryError } from '../errors.js';
import { accountAnswer } from './account-command.js';
import { IrcConnection } from './connection.js';
import { IrcRoleError } from './errors.js';
import { type MessageIds, nickOf } from './ids.js';
import { InboundTranslator } from './inbound.js';
import {
  addressed,
  correction,
  ctcpAction,
  reactionText,
  relayWrapper,
  splitWrapped,
} from './lines.js';
import { ircLower, sanitizeNick } from './nick.js';
import { IrcEphemeral } from './ephemeral.js';
import { PuppetPool } from './puppets.js';
import { type RoleChange, Roles } from './roles.js';
import { relayMembership } from './notices.js';

export interface NetworkDeps {
  readonly logger: AdapterLogger;
  /** Handed to the inbound translator as is: the network adds no hop of its own. */
  readonly emit: AdapterComponents['emit'];
  readonly now: () => number;
  readonly onRoleChange: (change: RoleChange) => void;
  readonly ids: MessageIds;
  /** Account linking for `!multichat link [CODE]` (./account-command.ts). */
  readonly accounts?: () => AccountLinkControl | undefined;
}

export class IrcNetwork {
  readonly bot: IrcConnection;
  readonly roles: Roles;
  private readonly puppets: PuppetPool | undefined;

  constructor(
    readonly settings: IrcNetworkSettings,
    private readonly deps: NetworkDeps,
  ) {
    this.bot = new IrcConnection({
      settings,
      nick: settings.nick,
      logger: deps.logger,
      authenticate: true,
    });
    this.roles = new Roles(deps.onRoleChange);
    this.puppets =
      settings.mode === 'puppet'
        ? new PuppetPool(settings, deps.logger, () => this.nickLength(), deps.now)
        : undefined;
    const inbound = new InboundTranslator({
      network: settings.name,
      emit: deps.emit,
      ids: deps.ids,
      roles: this.roles,
      isSelf: (nick) => this.isSelf(nick),
      accountCommand: (sender, text) => void this.accountCommand(sender, text),
    });
    inbound.attach(this.bot);
    // AWAY (away-notify) and +typing TAGMSG, where the server offers them (./ephemeral.ts).
    new IrcEphemeral({
      network: settings.name,
      emit: deps.emit,
      isSelf: (nick) => this.isSelf(nick),
      sender: (nick) => inbound.sender(nick),
    }).attach(this.bot.client);
  }

  /** Connects the bot and joins the configured channels (joins finish in the background). */
  async start(): Promise<void> {
    await this.bot.start();
    for (const channel of this.settings.channels) this.watch(channel);
  }

  async stop(): Promise<void> {
    await this.puppets?.stopAll();
    await this.bot.stop();
  }

  /** Makes the bot join `channel` (and stay) so its traffic is heard. */
  watch(channel: string): void {
    this.bot.join(channel).catch((error: unknown) => {
      this.deps.logger.warn(
        { network: this.settings.name, channel, err: (error as Error).message },
        'IRC join failed',
      );
    });
  }

  /** Answers `!multichat link [CODE]` privately, by NOTICE to the sender's nick. */
  private async accountCommand(sender: ExternalSender, text: string): Promise<void> {
    const answer = await accountAnswer(text, sender, this.deps.accounts?.());
    const nick = sender.displayName;
    try {
      const room = this.bot.payloadBytes('NOTICE', nick);
      const lines = splitWrapped(answer, room, (p) => p);
      await this.bot.write(lines.map((line) => `NOTICE ${nick} :${line}`));
    } catch (error) {
      this.deps.logger.warn(
        { network: this.settings.name, nick, err: (error as Error).message },
        'IRC: account command answer not sent',
      );
    }
  }

  isSelf(nick: string): boolean {
    return ircLower(nick) === ircLower(this.bot.nick) || (this.puppets?.isPuppet(nick) ?? false);
  }

  async send(channel: string, action: SendAction): Promise<DeliveryResult> {
    const replyNick = action.replyTo ? nickOf(action.replyTo) : '';
    const text = addressed(action.text, replyNick);
    // The nick the puppet spoke as goes back with the result: the runtime records it as the
    // person's puppet identity, so `nick:` to it is a mention of them (it may change on collision).
    return this.post(action.sender, channel, text, action.isEmote === true);
  }

  async edit(channel: string, action: EditAction): Promise<DeliveryResult> {
    // IRC cannot change a sent line: the new text goes out as a correction line.
    await this.post(action.sender, channel, correction(this.settings, action.text), false);
    return { externalIds: [] };
  }

  async react(channel: string, action: ReactionAction): Promise<DeliveryResult> {
    if (!this.settings.reactions) return { externalIds: [] };
    // IRC lines cannot be taken back: a removal is told as a line of its own.
    const text = reactionText(
      action.emoji,
      nickOf(action.externalId),
      this.deps.ids.textOf(action.externalId),
      action.kind === 'unreact',
    );
    await this.post(action.sender, channel, text, true);
    return { externalIds: [] };
  }

  /** Puppet mode: the person's live puppet (if any) follows a rename with NICK. */
  /**
   * The person's typing as IRCv3 `@+typing=active|done TAGMSG` from their puppet. Only an open
   * puppet already in the channel types (typing never opens a connection nor joins), and only
   * where the server granted `message-tags` (ngircd does not). Returns why it was not carried.
   */
  async typing(
    channel: string,
    sender: SenderDisplay,
    active: boolean,
  ): Promise<string | undefined> {
    if (!this.puppets) return 'relay mode';
    if (sender.native !== undefined) return 'the person is on IRC themselves';
    const puppet = this.puppets.openPuppet(sender.id);
    if (!puppet || !puppet.isIn(channel)) return 'no puppet of the person in the channel';
    if (!puppet.offersMessageTags()) return 'the server offers no message-tags';
    await puppet.write([`@+typing=${active ? 'active' : 'done'} TAGMSG ${channel}`]);
    return undefined;
  }

  updateProfile(sender: SenderDisplay): void {
    this.puppets?.rename(sender);
  }

  /**
   * Puppet mode: the person's puppet joins or leaves. Relay mode has nobody to move: with
   * `membershipNotices` the bot says so in a line (./notices.ts).
   */
  async membership(channel: string, action: MembershipAction): Promise<DeliveryResult> {
    if (!this.puppets) return relayMembership(this.bot, this.settings, channel, action);
    if (action.kind === 'join') {
      const conn = await this.puppets.acquire(action.sender);
      try {
        await conn?.join(channel);
      } finally {
        this.puppets.release(action.sender.id);
      }
    } else {
      const conn = await this.puppets.acquire(action.sender);
      try {
        await conn?.part(channel);
      } finally {
        this.puppets.release(action.sender.id);
      }
    }
    return { externalIds: [] };
  }

  /**
   * Puppet mode: ops (moderator, admin: IRC channels have no level above op that every server
   * knows) or deops (member) the person's puppet, with the bot's MODE. A puppet that already has
   * the wanted state is left alone, so the `member` role every join brings costs nothing.
   * @throws IrcRoleError (permanent) when the bot is not op, for bans, and in relay mode for
   * op (the person has no nick of their own there).
   */
  async setRole(channel: string, action: RoleAction): Promise<DeliveryResult> {
    const op = action.role === 'moderator' || action.role === 'admin';
    if (action.role === 'banned') {
      throw new IrcRoleError('bans are not bridged to IRC (ban the person on IRC itself)');
    }
    if (!this.puppets) {
      if (!op) return { externalIds: [] };
      throw new IrcRoleError(
        `${this.settings.name} runs in relay mode: ${action.sender.name} has no nick to op`,
      );
    }
    const conn = await this.puppets.acquire(action.sender);
    // The puppet cap is full for now: transient, a puppet may be parked by the next attempt.
    if (!conn) throw new DeliveryError(`no IRC puppet free for ${action.sender.name}`);
    try {
      await conn.join(channel);
      if (this.roles.hasOp(channel, conn.nick) === op) return { externalIds: [] };
      if (!this.roles.hasOp(channel, this.bot.nick)) {
        throw new IrcRoleError(
          `the bot ${this.bot.nick} is not op in ${channel} on ${this.settings.name}; ` +
            `give it +o to bridge roles`,
        );
      }
      await this.bot.write([`MODE ${channel} ${op ? '+o' : '-o'} ${conn.nick}`]);
      return { externalIds: [] };
    } finally {
      this.puppets.release(action.sender.id);
    }
  }

  /**
   * Posts `text` for `sender` (puppet when possible, else relayed by the bot); returns one id per
   * line, and the puppet's nick when a puppet spoke.
   */
  private async post(
    sender: SenderDisplay,
    channel: string,
    text: string,
    emote: boolean,
  ): Promise<DeliveryResult> {
    // A person whose own nick here is linked gets no puppet: the bot relays, naming them.
    const puppet =
      this.puppets && sender.native === undefined ? await this.puppets.acquire(sender) : undefined;
    try {
      const conn = puppet ?? this.bot;
      await conn.join(channel);
      const room = conn.payloadBytes('PRIVMSG', channel);
      const payloads = puppet
        ? splitWrapped(text, room, emote ? ctcpAction : (p) => p)
        : splitWrapped(text, room, relayWrapper(this.settings, sender.name, emote));
      await conn.write(payloads.map((p) => `PRIVMSG ${channel} :${p}`));
      const author = puppet ? puppet.nick : sanitizeNick(sender.name, 64);
      const externalIds = payloads.map((_, i) => this.deps.ids.next(author, text, i));
      return { externalIds, ...(puppet && { puppet: puppet.nick as ExternalUserId }) };
    } finally {
      if (puppet) this.puppets?.release(sender.id);
    }
  }

  private nickLength(): number {
    const value = Number(this.bot.client.network.options['NICKLEN']);
    return Number.isFinite(value) && value > 0 ? value : 30;
  }
}
