/**
 * Sets a channel's topic with `conversations.setTopic` (needs `channels:manage`, or
 * `groups:write` for private channels, and the bot in the channel). Slack keeps at most 250
 * characters: a longer topic is cut there with an ellipsis (written rule, docs/slack.md).
 * Slack then posts a `channel_topic` message by the bot, which comes back as an inbound topic
 * change; the router recognises the topic it set (runtime/topics.ts).
 */
import type { webApi } from '@slack/bolt';
import type { DeliveryResult, TopicAction } from '../types.js';
import { toDeliveryError } from './failures.js';
import { slackTarget } from './target.js';

/** Slack's documented topic limit, in characters. */
export const MAX_TOPIC = 250;

export function slackTopic(topic: string): string {
  const chars = [...topic];
  return chars.length <= MAX_TOPIC ? topic : `${chars.slice(0, MAX_TOPIC - 1).join('')}…`;
}

/** @throws DeliveryError (permanent for a refusal: missing scope, not in the channel). */
export async function setSlackTopic(
  web: webApi.WebClient,
  action: TopicAction,
): Promise<DeliveryResult> {
  try {
    await web.conversations.setTopic({
      channel: slackTarget(action.target).channel,
      topic: slackTopic(action.topic),
    });
  } catch (error) {
    throw toDeliveryError(error, 'conversations.setTopic');
  }
  return { externalIds: [] };
}
