import type { MentionUser, RichText } from './model.js';

/**
 * Translates mentions between a network and Multichat users. Synchronous on purpose: the router
 * resolves the people a message can mention with the mapping store before converting, so a
 * converter never waits on I/O.
 *
 * A "network mention" is the network's own identifier of a person, without markup: a Discord
 * snowflake (`123`), a Slack user id (`U123`), a Matrix user id (`@alice:example.org`), an IRC
 * nick or a Multichat username (Markdown). The converter adds the markup (`<@123>`, a pill…).
 */
export interface MentionResolver {
  /** The user a network mention denotes, or undefined when unknown (the mention degrades to text). */
  toUser(networkMention: string): MentionUser | undefined;
  /** The network's identifier for a user, or undefined when the user has none there. */
  toNetwork(user: MentionUser): string | undefined;
  /** Optional: a channel's display name for a channel reference (`<#123>`, `<#C1>`). */
  channelName?(networkChannel: string): string | undefined;
  /** Optional: a role's name for a role mention (Discord `<@&123>`). */
  roleName?(networkRole: string): string | undefined;
}

/** Options every converter accepts. */
export interface FormatOptions {
  readonly resolver?: MentionResolver;
  /**
   * Network mentions the adapter knows occur in the text as bare words (IRC: nicks of the
   * channel's members). The IRC parser turns such a word into a mention when the resolver knows
   * it; other parsers ignore it (their mentions are marked up).
   */
  readonly mentionHints?: readonly string[];
  /**
   * Names that count whole after `@` when the Markdown parser reads mentions, spaces and
   * punctuation included (`@Ada Lovelace`): the router passes the usernames of the people a
   * message mentions by id. Other names still end at the first character a name cannot have.
   */
  readonly mentionNames?: readonly string[];
}

/** The markups this module converts between. */
export type Markup = 'markdown' | 'matrix-html' | 'discord' | 'slack' | 'irc';

/** A parse/render pair for one markup. Both are pure and never throw on any string input. */
export interface Converter {
  parse(markup: string, options?: FormatOptions): RichText;
  render(text: RichText, options?: FormatOptions): string;
}
