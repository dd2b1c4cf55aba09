/**
 * Joins and leaves of bridged people as a notice line by the bot (`membershipNotices`): a
 * webhook name cannot join a Discord channel, so "*alice* joined" / "*alice* left" is the
 * closest Discord gets. Mentions are disabled so a name can never ping anyone.
 */
import { Routes, type REST } from 'discord.js';
import { escapeDiscord } from '../format/index.js';
import type { DeliveryResult, ExternalMessageId, MembershipAction } from '../types.js';
import { toDeliveryError } from './rate-limit.js';
import { discordTarget } from './target.js';

export function membershipNoticeText(action: MembershipAction): string {
  return `*${escapeDiscord(action.sender.name)}* ${action.kind === 'join' ? 'joined' : 'left'}`;
}

export async function postMembershipNotice(
  rest: REST,
  action: MembershipAction,
): Promise<DeliveryResult> {
  const target = discordTarget(action.target);
  try {
    const posted = (await rest.post(Routes.channelMessages(target.thread ?? target.channel), {
      body: { content: membershipNoticeText(action), allowed_mentions: { parse: [] } },
    })) as { id: string };
    return { externalIds: [posted.id as ExternalMessageId] };
  } catch (error) {
    throw toDeliveryError(error);
  }
}
