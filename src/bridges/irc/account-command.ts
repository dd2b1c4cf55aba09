/**
 * `!multichat link [CODE]` to the IRC bridge bot, in a private message or in a linked channel.
 * With a code it joins the sender's nick to the Multichat profile that issued the code; without
 * one it issues a code for the sender. Answers always go privately (NOTICE to the nick), so a
 * code never shows in a channel. Never bridged as a message.
 *
 * An IRC nick proves less than an account elsewhere: whoever uses the nick later speaks as the
 * profile it is linked to. docs/irc.md says to link only a nick the network protects
 * (registered with NickServ and enforced).
 */
import { issueCodeAnswer, redeemCodeAnswer } from '../account-commands.js';
import type { AccountLinkControl, ExternalSender } from '../types.js';

const PREFIX = '!multichat';
const USAGE =
  'Usage: !multichat link (to get a code) or !multichat link CODE (a code from another network)';

/** True when `text` is an account command for the bridge. */
export function isAccountCommand(text: string): boolean {
  return (text.trim().split(/\s+/, 1)[0] ?? '').toLowerCase() === PREFIX;
}

/** The private answer to one command. Never throws. */
export async function accountAnswer(
  text: string,
  person: ExternalSender,
  control: AccountLinkControl | undefined,
): Promise<string> {
  const [, verb = '', ...args] = text.trim().split(/\s+/);
  if (verb.toLowerCase() !== 'link') return USAGE;
  return args.length === 0
    ? issueCodeAnswer(control, person)
    : redeemCodeAnswer(control, person, args.join(' '));
}
