/**
 * The `/multichat link|unlink|links` slash command. It is registered per guild (guild commands
 * apply at once) and visible to everyone, because `/multichat link` without a channel is also
 * account linking, which every member may use: with no option it answers a one-time link code
 * (ephemeral, so only the caller sees it), with `code` it joins the caller's Discord account to
 * the profile that code belongs to. Managing channel links (`link channel:`, `unlink`, `links`)
 * needs Manage Channels, checked on every use. Link management itself belongs to the gateway:
 * it hands the adapter a `LinkCommandHandler` and an `AccountLinkControl`; without them the
 * command says so.
 */
import {
  Routes,
  type APIChatInputApplicationCommandInteraction,
  type APIUser,
  type REST,
} from 'discord.js';
import { issueCodeAnswer, redeemCodeAnswer } from '../account-commands.js';
import type { AccountLinkControl, AdapterLogger, ExternalSender, LinkTarget } from '../types.js';

const MANAGE_CHANNELS = 1n << 4n;
const ADMINISTRATOR = 1n << 3n;
/** Interaction response: CHANNEL_MESSAGE_WITH_SOURCE, visible only to the caller (EPHEMERAL). */
const REPLY = 4;
const EPHEMERAL = 1 << 6;

export type { LinkCommandHandler } from '../link-commands.js';
import type { LinkCommandHandler } from '../link-commands.js';

/** The command as registered (application command JSON from the docs). */
export const MULTICHAT_COMMAND = {
  name: 'multichat',
  description: 'Bridge this channel with Multichat, or link your account',
  type: 1,
  contexts: [0],
  options: [
    {
      type: 1,
      name: 'link',
      description:
        'Link this channel to a Multichat channel; without one, link your account (code)',
      options: [
        { type: 3, name: 'channel', description: 'Multichat channel name or id (admins)' },
        { type: 3, name: 'code', description: 'A link code from another network or the API' },
      ],
    },
    { type: 1, name: 'unlink', description: 'Remove the links of this channel' },
    { type: 1, name: 'links', description: 'List the links of this channel' },
  ],
} as const;

/** The fields of the calling member's user that name them. */
export type PersonUser = Pick<APIUser, 'id' | 'username'> & Partial<APIUser>;

export class SlashCommand {
  handler: LinkCommandHandler | undefined;
  /** Account linking (`/multichat link [code:]`), injected by the runtime. */
  accounts: AccountLinkControl | undefined;
  /** Base of avatar links (`config.cdnUrl`), so the caller is named as inbound events name them. */
  cdnUrl = 'https://cdn.discordapp.com';

  /** The caller as inbound messages name them (nick, global name, username; avatar). */
  private personOf(user: PersonUser, nick?: string | null): ExternalSender {
    return {
      externalId: user.id as ExternalSender['externalId'],
      displayName: nick || user.global_name || user.username,
      ...(user.avatar && { avatarUrl: `${this.cdnUrl}/avatars/${user.id}/${user.avatar}.png` }),
    };
  }

  constructor(
    private readonly rest: REST,
    private readonly logger: AdapterLogger,
    /** The link target of a channel or thread id. */
    private readonly targetOf: (channelId: string) => LinkTarget,
  ) {}

  async register(applicationId: string, guildId: string): Promise<void> {
    try {
      await this.rest.put(Routes.applicationGuildCommands(applicationId, guildId), {
        body: [MULTICHAT_COMMAND],
      });
    } catch (error) {
      this.logger.warn({ guildId, err: String(error) }, 'discord: could not register /multichat');
    }
  }

  /** Answers one `/multichat` interaction (others are ignored). */
  async handle(interaction: APIChatInputApplicationCommandInteraction): Promise<void> {
    if (interaction.data.name !== MULTICHAT_COMMAND.name) return;
    const reply = (content: string) =>
      this.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: REPLY, data: { content, flags: EPHEMERAL, allowed_mentions: { parse: [] } } },
        auth: false,
      });
    try {
      const sub = interaction.data.options?.[0];
      if (!sub || sub.type !== 1) return;
      const option = (name: string) => {
        const arg = sub.options?.find((o) => o.name === name);
        return arg && 'value' in arg ? String(arg.value).trim() : '';
      };
      const channel = option('channel');
      const user = interaction.member?.user;
      if (sub.name === 'link' && channel === '' && user) {
        // Account linking: for every member, answered ephemerally (a code is a secret).
        const person = this.personOf(user, interaction.member?.nick);
        const code = option('code');
        await reply(
          code
            ? await redeemCodeAnswer(this.accounts, person, code)
            : await issueCodeAnswer(this.accounts, person),
        );
        return;
      }
      const perms = BigInt(interaction.member?.permissions ?? '0');
      if ((perms & (MANAGE_CHANNELS | ADMINISTRATOR)) === 0n) {
        await reply('You need the Manage Channels permission to manage Multichat links.');
        return;
      }
      const target = this.targetOf(interaction.channel.id);
      if (!this.handler) {
        await reply('Link management is not enabled on this Multichat gateway.');
        return;
      }
      if (sub.name === 'link') await reply(await this.handler.link(target, channel));
      else if (sub.name === 'unlink') await reply(await this.handler.unlink(target));
      else if (sub.name === 'links') await reply(await this.handler.links(target));
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'discord: /multichat failed');
      await reply(
        `Multichat could not do that: ${error instanceof Error ? error.message : String(error)}`,
      ).catch(() => undefined);
    }
  }
}
