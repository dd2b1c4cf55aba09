/**
 * `!multichat link CODE` in any room the bridge bot is in: joins the sender's Matrix account to
 * the Multichat profile that issued the code (on Discord or Slack with `/multichat link`, or
 * through the API). Anyone may use it, unlike the admins' `!mc`. A code is never issued here:
 * Matrix has no reply only the sender sees, and a code shown in a room could be used by anyone
 * who reads it.
 */
import { redeemCodeAnswer } from '../account-commands.js';
import type { AccountLinkControl, ExternalSender } from '../types.js';

export const ACCOUNT_PREFIX = '!multichat';

const HOW =
  'Usage: !multichat link CODE. Get a code with `/multichat link` on Discord or Slack, ' +
  '`!multichat link` in a private message to the IRC bridge bot, or POST ' +
  '/api/v1/users/me/link-codes; codes are not shown in Matrix rooms, where others could read them.';

/** True when `body` is an account command (never bridged as a message). */
export function isAccountCommand(body: string): boolean {
  const first = body.trim().split(/\s+/, 1)[0] ?? '';
  return first.toLowerCase() === ACCOUNT_PREFIX;
}

/** The reply to one account command. Never throws. */
export async function runAccountCommand(
  body: string,
  person: ExternalSender,
  control: AccountLinkControl | undefined,
): Promise<string> {
  const [, verb = '', ...args] = body.trim().split(/\s+/);
  if (verb.toLowerCase() !== 'link' || args.length === 0) return HOW;
  return redeemCodeAnswer(control, person, args.join(' '));
}
