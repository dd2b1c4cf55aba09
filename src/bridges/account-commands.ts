/**
 * The answers of the in-chat account-link command (`/multichat link [CODE]` on Discord and
 * Slack, `!multichat link CODE` on Matrix and IRC), built on the runtime's AccountLinkControl.
 * Shared by adapters so every network words them alike; it holds no state and touches no store.
 */
import type { AccountLinkControl, ExternalSender } from './types.js';

/**
 * A link code as people type it: ten letters and digits, shown as two groups of five
 * (`7KQ2X-9PDMB`); case, spaces and the dash do not matter. Adapters whose `link` verb also
 * takes a channel name (Slack) tell the two apart with this.
 */
export function looksLikeLinkCode(text: string): boolean {
  return /^[0-9a-z]{5}-[0-9a-z]{5}$/i.test(text.trim());
}

const OFF = 'Account linking is not enabled on this Multichat gateway.';

/**
 * Issues a code for `person`. Only for answers that only the person sees (ephemeral replies,
 * private messages): whoever enters the code elsewhere joins that account to this profile.
 */
export async function issueCodeAnswer(
  control: AccountLinkControl | undefined,
  person: ExternalSender,
): Promise<string> {
  if (!control) return OFF;
  try {
    const { code, expiresAt } = await control.issueCode(person);
    const until = new Date(expiresAt).toISOString().slice(11, 16);
    return (
      `Your link code is ${code} (works once, until ${until} UTC). On the other network, ` +
      `type \`/multichat link ${code}\` (Discord, Slack) or \`!multichat link ${code}\` ` +
      `(Matrix, IRC). Keep it to yourself: whoever enters it speaks as you.`
    );
  } catch (error) {
    return `No code issued: ${(error as Error).message}`;
  }
}

/** Redeems `code` for `person`; every outcome is a sentence for them. */
export async function redeemCodeAnswer(
  control: AccountLinkControl | undefined,
  person: ExternalSender,
  code: string,
): Promise<string> {
  if (!control) return OFF;
  try {
    const { profileName } = await control.redeemCode(person, code);
    return `Linked: this account now belongs to ${profileName}. Your messages here and there have one author.`;
  } catch (error) {
    return `Not linked: ${(error as Error).message}`;
  }
}
