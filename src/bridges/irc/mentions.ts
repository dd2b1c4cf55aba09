/**
 * IRC has no mention markup: people address each other by writing a nick, often as `nick:` at
 * the start, often just as a word. Only the adapter knows which words are nicks, because it
 * knows who is in the channel. `ChannelNicks` keeps each channel's nicks as the server spells
 * them, and `mentionedNicks` names the members whose nick occurs in a text as a word, for
 * `InboundMessage.mentions` (our own puppets included: addressing one addresses its person).
 */
import { ircLower } from './nick.js';

/** A nick-shaped word, not inside another word, an address or a URL. */
const WORD =
  /(?<![\w@/.:[\]\\`^{|}-])[A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]*(?![\w[\]\\`^{|}-]|@|\.\w)/gu;

/** The members of each channel: nick (lowered) → the nick as the server spells it. */
export class ChannelNicks {
  private readonly channels = new Map<string, Map<string, string>>();

  set(channel: string, nicks: readonly string[]): void {
    this.channels.set(ircLower(channel), new Map(nicks.map((n) => [ircLower(n), n])));
  }

  add(channel: string, nick: string): void {
    const key = ircLower(channel);
    const members = this.channels.get(key) ?? new Map<string, string>();
    members.set(ircLower(nick), nick);
    this.channels.set(key, members);
  }

  remove(channel: string, nick: string): void {
    this.channels.get(ircLower(channel))?.delete(ircLower(nick));
  }

  rename(from: string, to: string): void {
    for (const members of this.channels.values()) {
      if (members.delete(ircLower(from))) members.set(ircLower(to), to);
    }
  }

  /** The nick as spelled, when `nick` is in `channel`. */
  get(channel: string, nick: string): string | undefined {
    return this.channels.get(ircLower(channel))?.get(ircLower(nick));
  }
}

/**
 * The members of `channel` whose nick occurs in `text` as a word, once each, in order, as the
 * server spells them; never `sender` nor a nick in `skip` (the bot's).
 */
export function mentionedNicks(
  nicks: ChannelNicks,
  channel: string,
  text: string,
  sender: string,
  skip: readonly string[] = [],
): string[] {
  const excluded = new Set([sender, ...skip].map(ircLower));
  const found = new Map<string, string>();
  for (const [word] of text.matchAll(WORD)) {
    const lowered = ircLower(word);
    if (excluded.has(lowered) || found.has(lowered)) continue;
    const nick = nicks.get(channel, word);
    if (nick !== undefined) found.set(lowered, nick);
  }
  return [...found.values()];
}
