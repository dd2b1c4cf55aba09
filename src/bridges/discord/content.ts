/**
 * Message content rules shared by sending and editing: Discord's length limit, who a bridged
 * message may ping, how a bot-posted message names its author, and what a link target must be.
 */
import type { LinkTarget } from '../types.js';
import { discordTarget } from './target.js';
import { webhookUsername } from './usernames.js';

/** Discord's longest message content, in characters. */
export const MAX_CONTENT = 2000;

/** Bridged text may ping the people it mentions, never @everyone, @here or roles. */
export const ALLOWED_MENTIONS = { parse: ['users'] } as const;

/** `text` cut to Discord's limit, with an ellipsis when something was cut. */
export function truncate(text: string): string {
  return text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`;
}

/** How a message posted as the bot shows the bridged person who wrote it. */
export function botPrefix(name: string): string {
  return `**${webhookUsername(name)}:** `;
}

/**
 * The channel id of a Discord link target.
 * @throws DiscordTargetError (permanent) when the target has no channel snowflake.
 */
export function channelOf(target: LinkTarget): string {
  return discordTarget(target).channel;
}
