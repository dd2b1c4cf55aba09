/**
 * The `/multichat link <channel>|unlink|links` slash command, for workspace admins and owners
 * (`is_admin` / `is_owner` from a fresh `users.info`: Slack shows a command to everyone, so the
 * check is ours). `/multichat link` alone or with a link code (`7KQ2X-9PDMB`, see
 * `looksLikeLinkCode`) is account linking, for everyone: it answers a one-time code, or joins
 * the caller's Slack account to the profile the code belongs to. Answers are ephemeral, through the command's `response_url`, because link
 * changes can take longer than the 3 s Slack allows before the acknowledgement. Link
 * management belongs to the runtime: it injects its link control (`AdapterComponents.links`).
 */
import { issueCodeAnswer, looksLikeLinkCode, redeemCodeAnswer } from '../account-commands.js';
import type { LinkCommandHandler } from '../link-commands.js';
import type { AccountLinkControl, AdapterLogger, LinkTarget } from '../types.js';
import type { Users } from './users.js';

/** The fields of Slack's slash command payload the adapter reads. */
export interface SlashPayload {
  readonly command: string;
  readonly text: string;
  readonly user_id: string;
  readonly channel_id: string;
}

export const USAGE =
  'Usage: `/multichat link <multichat-channel>`, `/multichat unlink`, `/multichat links`; ' +
  'your account: `/multichat link` (a code), `/multichat link CODE`';

export class SlashCommand {
  handler: LinkCommandHandler | undefined;
  /** Account linking (`/multichat link [CODE]`), injected by the runtime. */
  accounts: AccountLinkControl | undefined;

  constructor(
    private readonly users: Users,
    private readonly logger: AdapterLogger,
  ) {}

  /** The answer for one invocation (never throws: failures are answers too). */
  async answer(payload: SlashPayload): Promise<string> {
    try {
      const [sub = '', ...rest] = payload.text.trim().split(/\s+/);
      const arg = rest.join(' ');
      if (sub.toLowerCase() === 'link' && (arg === '' || looksLikeLinkCode(arg))) {
        // Account linking, for everyone; the answer is ephemeral (a code is a secret).
        const person = await this.users.sender(payload.user_id);
        return arg === ''
          ? await issueCodeAnswer(this.accounts, person)
          : await redeemCodeAnswer(this.accounts, person, arg);
      }
      const user = await this.users.get(payload.user_id, true);
      if (!user || !(user.is_admin || user.is_owner || user.is_primary_owner)) {
        return 'Only workspace admins and owners can manage Multichat links.';
      }
      if (!this.handler) return 'Link management is not enabled on this Multichat gateway.';
      const target: LinkTarget = { channel: payload.channel_id };
      switch (sub.toLowerCase()) {
        case 'link':
          return await this.handler.link(target, arg.replace(/^#/, ''));
        case 'unlink':
          return await this.handler.unlink(target);
        case 'links':
          return await this.handler.links(target);
        default:
          return USAGE;
      }
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'slack: /multichat failed');
      return `Multichat could not do that: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
