/**
 * The `/multichat link|unlink|links` slash command. It is registered per guild (guild commands
 * apply at once), visible by default only to members with Manage Channels
 * (`default_member_permissions`), and the permission is checked again on every use, since a
 * server's admins can change who sees a command. Link management itself belongs to the gateway:
 * it hands the adapter a `LinkCommandHandler`; without one the command says so.
 */
import { Routes, type APIChatInputApplicationCommandInteraction, type REST } from 'discord.js';
import type { AdapterLogger, LinkTarget } from '../types.js';

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
  description: 'Bridge this channel with Multichat',
  type: 1,
  default_member_permissions: MANAGE_CHANNELS.toString(),
  contexts: [0],
  options: [
    {
      type: 1,
      name: 'link',
      description: 'Link this channel to a Multichat channel',
      options: [
        { type: 3, name: 'channel', description: 'Multichat channel name or id', required: true },
      ],
    },
    { type: 1, name: 'unlink', description: 'Remove the links of this channel' },
    { type: 1, name: 'links', description: 'List the links of this channel' },
  ],
} as const;

export class SlashCommand {
  handler: LinkCommandHandler | undefined;

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
      const perms = BigInt(interaction.member?.permissions ?? '0');
      if ((perms & (MANAGE_CHANNELS | ADMINISTRATOR)) === 0n) {
        await reply('You need the Manage Channels permission to manage Multichat links.');
        return;
      }
      const sub = interaction.data.options?.[0];
      if (!sub || sub.type !== 1) return;
      const target = this.targetOf(interaction.channel.id);
      if (!this.handler) {
        await reply('Link management is not enabled on this Multichat gateway.');
        return;
      }
      const arg = sub.options?.find((o) => o.name === 'channel');
      const channel = arg && 'value' in arg ? String(arg.value) : '';
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
