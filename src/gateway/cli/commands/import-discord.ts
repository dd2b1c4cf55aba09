/**
 * `import discord --channel ID [--into CHANNEL]`: a Discord channel's history through the REST
 * API (the bot token of `bridges.discord`), oldest first, 100 per page, rate limits waited out,
 * resumable (commands/import-network.ts).
 */
import type { CliIo, CommandArgs } from '../types.js';
import { runNetworkImport } from './import-network.js';

const SNOWFLAKE = /^\d{15,20}$/;

export async function importDiscord(args: CommandArgs, io: CliIo): Promise<number> {
  const channel = args.values.channel;
  if (typeof channel !== 'string' || !SNOWFLAKE.test(channel)) {
    io.err('multichat import: give the Discord channel id: import discord --channel ID');
    return 2;
  }
  return runNetworkImport(
    {
      network: 'discord',
      markup: 'discord',
      target: { channel },
      key: channel,
      async open(section, logger) {
        const { openDiscordHistory } = await import('../../../bridges/discord/history.js');
        const history = await openDiscordHistory(section, logger);
        return {
          page: (cursor, limit) => history.page({ channel }, cursor, limit),
          close: () => history.close(),
        };
      },
      refusal: (error) =>
        error instanceof Error && error.name === 'DiscordHistoryAccessError'
          ? (error as Error & { status: number }).status === 404
            ? 2
            : 1
          : undefined,
    },
    args,
    io,
  );
}
