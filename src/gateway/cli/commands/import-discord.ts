/**
 * `import discord --channel ID [--into CHANNEL]`: a Discord channel's history through the REST
 * API (the bot token of `bridges.discord`), oldest first, 100 per page, rate limits waited out,
 * resumable (commands/import-network.ts).
 */
import type { CliIo, CommandArgs } from '../types.js';
import { runNetworkImport } from './import-network.js';
import { readerImport } from './import-reader.js';

const SNOWFLAKE = /^\d{15,20}$/;

export async function importDiscord(args: CommandArgs, io: CliIo): Promise<number> {
  const channel = args.values.channel;
  if (typeof channel !== 'string' || !SNOWFLAKE.test(channel)) {
    io.err('multichat import: give the Discord channel id: import discord --channel ID');
    return 2;
  }
  return runNetworkImport(readerImport('discord', { channel }, channel), args, io);
}
