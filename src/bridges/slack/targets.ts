/**
 * Link targets: an operator may write a channel id (`C0123ABCD`) or a name (`#general`); the
 * router keys links by the id, which is what events carry. The bot joins a public channel it
 * is not in (`channels:join`), since Slack delivers a channel's events only to members; a
 * private channel needs an invitation (`/invite @bot`), which the error says.
 */
import type { webApi } from '@slack/bolt';
import type { LinkTarget } from '../types.js';
import { SlackTargetError } from './errors.js';
import { slackError, toDeliveryError } from './failures.js';
import { isChannelId } from './ids.js';
import { slackTarget } from './target.js';

interface Conversation {
  readonly id?: string;
  readonly name?: string;
  readonly is_member?: boolean;
  readonly is_private?: boolean;
  readonly is_archived?: boolean;
}

/** Bounded: 50 pages of 200 channels. */
const MAX_PAGES = 50;

export async function resolveChannel(
  web: webApi.WebClient,
  target: LinkTarget,
): Promise<LinkTarget> {
  const raw = slackTarget(target).channel;
  const conversation = isChannelId(raw)
    ? await info(web, raw)
    : await byName(web, raw.replace(/^#/, ''));
  if (!conversation?.id)
    throw new SlackTargetError(
      `Slack channel ${raw || '(none)'} not found or not visible to the bot`,
    );
  if (conversation.is_archived) throw new SlackTargetError(`Slack channel ${raw} is archived`);
  if (!conversation.is_member) {
    if (conversation.is_private) {
      throw new SlackTargetError(
        `the bot is not in private channel ${raw}: invite it there with /invite`,
      );
    }
    try {
      await web.conversations.join({ channel: conversation.id });
    } catch (error) {
      throw toDeliveryError(error, 'conversations.join');
    }
  }
  return { channel: conversation.id };
}

async function info(web: webApi.WebClient, id: string): Promise<Conversation | undefined> {
  try {
    const answer = await web.conversations.info({ channel: id });
    return answer.channel as Conversation | undefined;
  } catch (error) {
    if (slackError(error) === 'channel_not_found') return undefined;
    throw toDeliveryError(error, 'conversations.info');
  }
}

async function byName(web: webApi.WebClient, name: string): Promise<Conversation | undefined> {
  if (!name) return undefined;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let answer;
    try {
      answer = await web.conversations.list({
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 200,
        ...(cursor && { cursor }),
      });
    } catch (error) {
      throw toDeliveryError(error, 'conversations.list');
    }
    const found = (answer.channels as Conversation[] | undefined)?.find((c) => c.name === name);
    if (found) return found;
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
