/**
 * Presence and typing heard on IRC, where the server offers them (irc-framework asks for the
 * `away-notify` and `message-tags` capabilities by itself):
 * - AWAY (away-notify, or RPL_AWAY when a message to an away nick is answered) → `presence`
 *   away with the away text; AWAY without text → online. Servers without away-notify (ngircd)
 *   tell nothing: IRC people then have no presence in Multichat.
 * - TAGMSG with the IRCv3 `+typing` client tag (`+draft/typing` on older clients) in a channel
 *   → `typing`: `active` starts it, `paused` and `done` stop it. Servers without message-tags
 *   (ngircd) never pass client tags, so typing is not heard there.
 * Typing towards IRC is the puppets' `+typing` TAGMSG, where the server offers message-tags
 * (`IrcNetwork.typing`, docs/irc.md).
 */
import type { AdapterComponents, ExternalSender, LinkTarget } from '../types.js';
import { ircLower } from './nick.js';

/** What this module reads of irc-framework's client. */
export interface EventSource {
  on(event: string, listener: (e: never) => void): unknown;
}

interface AwayEvent {
  readonly self?: boolean;
  readonly nick: string;
  readonly message?: string;
}

interface TagEvent {
  readonly nick?: string;
  readonly target: string;
  readonly from_server?: boolean;
  readonly tags?: Record<string, string>;
}

export interface EphemeralContext {
  readonly network: string;
  readonly emit: AdapterComponents['emit'];
  /** The bot's and puppets' nicks. */
  readonly isSelf: (nick: string) => boolean;
  /** The person behind a nick (the inbound translator's, which follows nick changes). */
  readonly sender: (nick: string) => ExternalSender;
}

const CHANNEL = /^[#&+!]/;
const TYPING_STATES: Readonly<Record<string, boolean>> = {
  active: true,
  paused: false,
  done: false,
};

export class IrcEphemeral {
  /** Away text per nick (lowered) last told, so RPL_AWAY repeats are not re-emitted. */
  private readonly away = new Map<string, string>();

  constructor(private readonly ctx: EphemeralContext) {}

  attach(client: EventSource): void {
    client.on('away', (e: AwayEvent) => this.presence(e, true));
    client.on('back', (e: AwayEvent) => this.presence(e, false));
    client.on('tagmsg', (e: TagEvent) => this.typing(e));
  }

  private presence(e: AwayEvent, away: boolean): void {
    if (e.self || this.ctx.isSelf(e.nick)) return;
    const key = ircLower(e.nick);
    const text = away ? (e.message ?? '') : undefined;
    if (text === undefined) this.away.delete(key);
    else if (this.away.get(key) === text) return;
    else this.away.set(key, text);
    void this.ctx.emit({
      kind: 'presence',
      sender: this.ctx.sender(e.nick),
      status: away ? 'away' : 'online',
      ...(text !== undefined && text !== '' && { text }),
    });
  }

  private typing(e: TagEvent): void {
    if (e.from_server || !e.nick || !CHANNEL.test(e.target)) return;
    const state = e.tags?.['+typing'] ?? e.tags?.['+draft/typing'];
    const active = state === undefined ? undefined : TYPING_STATES[state];
    if (active === undefined) return;
    const target: LinkTarget = { network: this.ctx.network, channel: ircLower(e.target) };
    void this.ctx.emit({
      kind: 'typing',
      target,
      sender: this.ctx.sender(e.nick),
      active,
      ...(this.ctx.isSelf(e.nick) && { self: true }),
    });
  }
}
