/**
 * Joins and leaves of bridged people as a notice line by the app (`membershipNotices`): a
 * bridged person is only a name on Slack and cannot join a channel, so "_alice_ joined" /
 * "_alice_ left" is the closest Slack gets. The name is escaped so it can never ping anyone.
 */
import type { webApi } from '@slack/bolt';
import type { DeliveryResult, ExternalMessageId, MembershipAction } from '../types.js';
import { toDeliveryError } from './failures.js';
import { slackTarget } from './target.js';

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function membershipNoticeText(action: MembershipAction): string {
  return `_${escape(action.sender.name)}_ ${action.kind === 'join' ? 'joined' : 'left'}`;
}

export async function postMembershipNotice(
  web: webApi.WebClient,
  action: MembershipAction,
): Promise<DeliveryResult> {
  try {
    const posted = await web.chat.postMessage({
      channel: slackTarget(action.target).channel,
      text: membershipNoticeText(action),
    });
    return { externalIds: posted.ts ? [posted.ts as ExternalMessageId] : [] };
  } catch (error) {
    throw toDeliveryError(error, 'chat.postMessage');
  }
}
