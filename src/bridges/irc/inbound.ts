/**
 * IRC events of one network's bot connection → the contract's inbound events: PRIVMSG, NOTICE
 * and CTCP ACTION as messages (ACTION as an emote), JOIN/PART/KICK/QUIT as membership, NICK as a
 * profile change, TOPIC, MODE changes of prefix modes as `role` events. A person is known by the nick they had when first seen in this session,
 * so a nick change renames them instead of making a new person. Our own nicks (bot, puppets)
 * are marked `self` for the router's loop prevention.
 */
import type {
  AdapterComponents,
  ExternalSender,
  ExternalUserId,
  InboundEvent,
  LinkTarget,
} from '../types.js';
import { isAccountCommand } from './account-command.js';
import type { IrcConnection } from './connection.js';
import type {
  JoinEvent,
  KickEvent,
  MessageEvent,
  ModeEvent,
  NickEvent,
  PartEvent,
  QuitEvent,
  TopicEvent,
  UserlistEvent,
} from './events.js';
import type { MessageIds } from './ids.js';
import { ChannelNicks, mentionedNicks } from './mentions.js';
import { ircLower } from './nick.js';
import type { Roles } from './roles.js';

export interface InboundContext {
  /** The configured network name (the `network` of link targets). */
  readonly network: string;
  /** The runtime's emitter itself (no wrapper in between); it never rejects. */
  readonly emit: AdapterComponents['emit'];
  readonly ids: MessageIds;
  readonly roles: Roles;
  /** True for the bot's and the puppets' nicks on this network. */
  readonly isSelf: (nick: string) => boolean;
  /**
   * `!multichat …` said to the bot (privately or in a channel) by someone not ours: handled
   * here instead of being bridged (./account-command.ts). Absent: such lines are messages.
   */
  readonly accountCommand?: (sender: ExternalSender, text: string) => void;
}

const CHANNEL = /^[#&+!]/;

export class InboundTranslator {
  /** Current nick (lowered) → the nick the person was first seen with (their external id). */
  private readonly aliases = new Map<string, string>();
  /** Channel (lowered) → nicks (lowered) in it, to turn a QUIT into leaves. */
  private readonly members = new Map<string, Set<string>>();
  /** Channel nicks as spelled, to name the members a message mentions (./mentions.ts). */
  private readonly nicks = new ChannelNicks();

  constructor(private readonly ctx: InboundContext) {}

  /** Subscribes to the connection's client. */
  attach(conn: IrcConnection): void {
    const c = conn.client;
    c.on('privmsg', (e: MessageEvent) => this.command(e) || this.message(e, false));
    c.on('notice', (e: MessageEvent) => this.message(e, false));
    c.on('action', (e: MessageEvent) => this.message(e, true));
    c.on('join', (e: JoinEvent) => this.join(e));
    c.on('part', (e: PartEvent) => this.leave(e.channel, e.nick));
    c.on('kick', (e: KickEvent) => this.leave(e.channel, e.kicked));
    c.on('quit', (e: QuitEvent) => this.quit(e));
    c.on('nick', (e: NickEvent) => this.nick(e));
    c.on('topic', (e: TopicEvent) => this.topic(e));
    c.on('mode', (e: ModeEvent) => this.mode(e));
    c.on('userlist', (e: UserlistEvent) => this.userlist(e));
  }

  /** The sender as the contract wants it. */
  sender(nick: string): ExternalSender {
    const id = this.aliases.get(ircLower(nick)) ?? nick;
    return { externalId: id as ExternalUserId, displayName: nick };
  }

  private target(channel: string): LinkTarget {
    return { network: this.ctx.network, channel: ircLower(channel) };
  }

  /** True when the line was an account command (answered, not bridged). */
  private command(e: MessageEvent): boolean {
    const run = this.ctx.accountCommand;
    if (!run || e.from_server || !e.nick || this.ctx.isSelf(e.nick)) return false;
    if (!isAccountCommand(e.message)) return false;
    run(this.sender(e.nick), e.message);
    return true;
  }

  private message(e: MessageEvent, emote: boolean): void {
    if (e.from_server || !e.nick || !CHANNEL.test(e.target)) return;
    const mentions = mentionedNicks(this.nicks, e.target, e.message, e.nick).map(
      (nick) => this.sender(nick).externalId,
    );
    const event: InboundEvent = {
      kind: 'message',
      target: this.target(e.target),
      sender: this.sender(e.nick),
      externalId: this.ctx.ids.next(e.nick, e.message),
      text: e.message,
      ...(emote && { isEmote: true }),
      ...(mentions.length > 0 && { mentions }),
      ...(this.ctx.isSelf(e.nick) && { self: true }),
    };
    void this.ctx.emit(event);
  }

  private join(e: JoinEvent): void {
    const set = this.members.get(ircLower(e.channel)) ?? new Set<string>();
    set.add(ircLower(e.nick));
    this.members.set(ircLower(e.channel), set);
    this.nicks.add(e.channel, e.nick);
    void this.ctx.emit({
      kind: 'join',
      target: this.target(e.channel),
      sender: this.sender(e.nick),
      ...(this.ctx.isSelf(e.nick) && { self: true }),
    });
  }

  private leave(channel: string, nick: string): void {
    this.members.get(ircLower(channel))?.delete(ircLower(nick));
    this.nicks.remove(channel, nick);
    this.ctx.roles.forget(channel, nick);
    void this.ctx.emit({
      kind: 'leave',
      target: this.target(channel),
      sender: this.sender(nick),
      ...(this.ctx.isSelf(nick) && { self: true }),
    });
  }

  private quit(e: QuitEvent): void {
    const nick = ircLower(e.nick);
    for (const [channel, set] of this.members) {
      if (set.has(nick)) this.leave(channel, e.nick);
    }
    this.aliases.delete(nick);
  }

  private nick(e: NickEvent): void {
    const old = ircLower(e.nick);
    const id = this.aliases.get(old) ?? e.nick;
    this.aliases.delete(old);
    this.aliases.set(ircLower(e.new_nick), id);
    for (const set of this.members.values()) {
      if (set.delete(old)) set.add(ircLower(e.new_nick));
    }
    this.nicks.rename(e.nick, e.new_nick);
    this.ctx.roles.rename(e.nick, e.new_nick);
    if (this.ctx.isSelf(e.new_nick) || this.ctx.isSelf(e.nick)) return;
    void this.ctx.emit({
      kind: 'profile',
      sender: { externalId: id as ExternalUserId, displayName: e.new_nick },
    });
  }

  private topic(e: TopicEvent): void {
    // RPL_TOPIC on join has no setter: only a change made by someone is an event.
    if (!e.nick) return;
    void this.ctx.emit({
      kind: 'topic',
      target: this.target(e.channel),
      sender: this.sender(e.nick),
      topic: e.topic,
    });
  }

  /** Op changes of people; our own nicks' ops are the router's doing (or the server's). */
  private mode(e: ModeEvent): void {
    if (!CHANNEL.test(e.target)) return;
    for (const change of this.ctx.roles.mode(e.target, e.modes)) {
      if (this.ctx.isSelf(change.nick)) continue;
      void this.ctx.emit({
        kind: 'role',
        target: this.target(e.target),
        sender: this.sender(change.nick),
        role: change.role,
      });
    }
  }

  private userlist(e: UserlistEvent): void {
    this.members.set(ircLower(e.channel), new Set(e.users.map((u) => ircLower(u.nick))));
    this.nicks.set(
      e.channel,
      e.users.map((u) => u.nick),
    );
    this.ctx.roles.names(e.channel, e.users);
  }
}
