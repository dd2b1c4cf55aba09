/**
 * Relay mode has no nick per person to join or part, so with `membershipNotices` (default
 * false) the bot tells a bridged person's join or leave as a line of its own: `alice joined`
 * with the name in italics and, with `noPing`, a zero-width space that keeps it from
 * highlighting an IRC user of the same nick.
 */
import type { DeliveryResult, MembershipAction } from '../types.js';
import type { IrcNetworkSettings } from './config.js';
import type { IrcConnection } from './connection.js';
import { cleanName } from './lines.js';
import { noPing } from './nick.js';

export function membershipLine(settings: IrcNetworkSettings, action: MembershipAction): string {
  const name = cleanName(action.sender.name);
  const shown = settings.noPing ? noPing(name) : name;
  return `\x1d${shown}\x1d ${action.kind === 'join' ? 'joined' : 'left'}`;
}

/** Posts the notice as the bot; nothing when the option is off (the capability says so). */
export async function relayMembership(
  bot: IrcConnection,
  settings: IrcNetworkSettings,
  channel: string,
  action: MembershipAction,
): Promise<DeliveryResult> {
  if (!settings.membershipNotices) return { externalIds: [] };
  await bot.join(channel);
  await bot.write([`PRIVMSG ${channel} :${membershipLine(settings, action)}`]);
  return { externalIds: [] };
}
